using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Runs a script block in the current scope while a background thread samples the GPUs through NVML, then writes
    /// the script's output and a summary per GPU: duration, peak memory, mean and peak utilization, energy and mean
    /// power. The sampler ends with the command, Ctrl+C included; nothing is left running.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuJob")]
    [OutputType(typeof(GpuJobSummary))]
    public sealed class MeasureGpuJobCommand : GpuMonitorCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; } = ScriptBlock.Create(string.Empty); // mandatory: bound before EndProcessing

        /// <summary>Seconds between readings.</summary>
        [Parameter]
        [ValidateFiniteRange(0.05, 60.0, "seconds")]
        public double SampleInterval { get; set; } = 0.5;

        protected override void Monitor(IReadOnlyList<CudaDevice> devices)
        {
            var warnings = new List<string>();
            JobSampler sampler;
            try
            {
                sampler = JobSampler.Start(Runtime, devices, TimeSpan.FromSeconds(SampleInterval), warnings);
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                WriteFailure(e, null);
                return;
            }

            foreach (string warning in warnings) WriteWarning(warning);
            using (sampler)
            {
                Collection<PSObject> output = new Collection<PSObject>();
                RuntimeException? failed = null;
                try
                {
                    output = InvokeCommand.InvokeScript(false, ScriptBlock, null);
                }
                catch (RuntimeException e) when (!(e is PipelineStoppedException))
                {
                    failed = e;
                }

                foreach (PSObject item in output) WriteObject(item);
                foreach (GpuJobSummary summary in sampler.Stop()) WriteObject(summary);
                if (failed != null) ThrowTerminatingError(failed.ErrorRecord);
            }
        }
    }
}
