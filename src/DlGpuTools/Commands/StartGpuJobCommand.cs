using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Monitoring;
using DlGpuTools.Validation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Marks the start of a job whose end another process will mark (a Slurm prolog, then Stop-GpuJob in the epilog):
    /// records the time and each chosen GPU's energy counter and accounting mode in a private state folder. Starts
    /// nothing in the background.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "GpuJob", SupportsShouldProcess = true)]
    [OutputType(typeof(System.IO.FileInfo))]
    public sealed class StartGpuJobCommand : DeviceCmdlet
    {
        /// <summary>The job's name, for example $env:SLURM_JOB_ID.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateJobName]
        public string Name { get; set; } = string.Empty; // mandatory: bound before EndProcessing

        /// <summary>The private folder for job states; see Get-Help Start-GpuJob for the default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StateFolder { get; set; }

        /// <summary>Returns the state file written.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord() => CollectRequestedDevices();

        protected override void EndProcessing()
        {
            if (NoDevices || CollectedDevices.Count == 0) return;
            string folder = JobNames.Folder(this, StateFolder);
            if (!ShouldProcess(folder, "Record the start of GPU job " + Name)) return;
            var warnings = new List<string>();
            try
            {
                GpuJobTracker.Start(Runtime, CollectedDevices, Name, folder, warnings);
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                foreach (string warning in warnings) WriteWarning(warning);
                WriteFailure(e, Name);
                return;
            }

            foreach (string warning in warnings) WriteWarning(warning);
            WriteVerbose($"Recorded the start of job {Name} in {folder}.");
            if (PassThru) WriteObject(new System.IO.FileInfo(System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), Name + ".job")));
        }
    }
}
