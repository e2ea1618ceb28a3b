using System;
using System.Collections.Generic;
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
        // Dot-sources the user's block in the current scope (as Measure-Command does) and keeps each output object as it
        // comes, so what the block wrote before it threw is still written.
        private static readonly ScriptBlock Runner = ScriptBlock.Create(
            "$__dlgpuJob = $args; try { . $__dlgpuJob[0] | ForEach-Object { $__dlgpuJob[1].Add($_) } } finally { "
                + "Remove-Variable __dlgpuJob }");

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
                var output = new List<object?>();
                RuntimeException? failed = null;
                try
                {
                    InvokeCommand.InvokeScript(false, Runner, null, ScriptBlock, output);
                }
                catch (RuntimeException e) when (!(e is PipelineStoppedException))
                {
                    failed = e;
                }

                foreach (object? item in output) WriteObject(item);
                foreach (GpuJobSummary summary in sampler.Stop()) WriteObject(summary);
                if (failed != null) ThrowTerminatingError(failed.ErrorRecord);
            }
        }
    }
}
