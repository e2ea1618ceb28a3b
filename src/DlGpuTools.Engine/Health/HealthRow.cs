using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>Builds one row of a health report: a check's words, status and action as text that survives remoting.</summary>
    internal static class HealthRow
    {
        public static GpuHealthCheck Make(int? gpu, string check, CheckStatus status, string detail, string? remedy = null,
            HealthAction action = HealthAction.None) =>
            new GpuHealthCheck { Gpu = gpu, Check = check, Status = status.ToString(), Detail = detail, Remedy = remedy,
                Action = action.ToString() };
    }
}
