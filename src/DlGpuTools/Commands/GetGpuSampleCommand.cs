using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Samples GPUs through NVML, in the shape of Get-Counter: one sample per GPU every -SampleInterval seconds,
    /// -MaxSamples times (default once) or until Ctrl+C with -Continuous. Each sample's interval figures (GPM,
    /// NVLink) cover the -SampleInterval before it, so even a single sample waits one interval.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuSample")]
    [OutputType(typeof(GpuSample))]
    public sealed class GetGpuSampleCommand : GpuMonitorCmdlet
    {
        [Parameter]
        [ValidateFiniteRange(0.05, 86400.0, "seconds")]
        public double SampleInterval { get; set; } = 1.0;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxSamples { get; set; } = 1;

        [Parameter]
        public SwitchParameter Continuous { get; set; }

        protected override void Monitor(IReadOnlyList<CudaDevice> devices)
        {
            using (GpuSampler? sampler = CreateSampler(devices))
            {
                if (sampler == null) return;
                var interval = TimeSpan.FromSeconds(SampleInterval);
                Stopwatch clock = Stopwatch.StartNew();
                sampler.Start();
                // Samples fall on a fixed schedule from the start, so a slow read does not make every later one late.
                for (long n = 1; Continuous || n <= MaxSamples; n++)
                {
                    if (!WaitUntil(clock, TimeSpan.FromTicks(interval.Ticks * n))) return;
                    foreach (GpuSample sample in sampler.Sample()) WriteObject(sample);
                }
            }
        }
    }
}
