using System;
using DlGpuTools.Errors;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The host's verdict is Unhealthy: written as an error next to the report, so $? is false and -ErrorAction Stop
    /// stops a scheduler's script, with the report's action as the remedy.
    /// </summary>
    public sealed class GpuHealthFailedException : DlGpuToolsException
    {
        public GpuHealthFailedException(GpuHealthReport report)
            : base(ErrorCatalogue.GpuHealthCheckFailed,
                "The GPU health check failed: " + (report ?? throw new ArgumentNullException(nameof(report))).Reason,
                "Recommended action: " + report.Action
                + ". The report's Checks list every check with its remedy (Test-GpuHealth | Select-Object -ExpandProperty Checks).")
        {
        }
    }
}
