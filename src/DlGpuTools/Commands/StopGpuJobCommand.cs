using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Monitoring;
using DlGpuTools.Validation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Ends a job that Start-GpuJob started (in a Slurm epilog, say): a summary per GPU recorded at the start, from the
    /// energy counter and, where accounting mode is on, NVML's figures of the processes that started during the job.
    /// The state file is removed.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "GpuJob", SupportsShouldProcess = true)]
    [OutputType(typeof(GpuJobSummary))]
    public sealed class StopGpuJobCommand : DlGpuCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateJobName]
        public string Name { get; set; } = string.Empty; // mandatory: bound before ProcessRecord

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StateFolder { get; set; }

        protected override void ProcessRecord()
        {
            string folder = JobNames.Folder(this, StateFolder);
            if (!ShouldProcess(Name, "Summarize and end GPU job")) return;
            var warnings = new List<string>();
            IReadOnlyList<GpuJobSummary> summaries;
            try
            {
                summaries = GpuJobTracker.Stop(Runtime, Name, folder, warnings);
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                foreach (string warning in warnings) WriteWarning(warning);
                WriteFailure(e, Name);
                return;
            }

            foreach (string warning in warnings) WriteWarning(warning);
            foreach (GpuJobSummary summary in summaries) WriteObject(summary);
        }
    }
}
