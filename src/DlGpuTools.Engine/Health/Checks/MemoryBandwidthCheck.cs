using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Benchmarks;
using DlGpuTools.Diagnostics;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The screening device copy: wrong data fails; below 70% of the theoretical memory bandwidth warns (healthy H100s
    /// reach about 90%).
    /// </summary>
    internal sealed class MemoryBandwidthCheck : LoadCheck
    {
        public override string Id => "memory_bandwidth";

        public override string Name => "Memory bandwidth";

        public override string Description => "A short device-to-device copy against the card's theoretical memory bandwidth, its data "
            + "verified.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsLinks;

        internal const double MemoryFloorPercent = 70;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<LinkReading>(LinkScreeningRun.RunId, context.Gpu) is LinkReading l ? MemoryBandwidth(context.Gpu, l.Copy,
                l.CopyFailure) : null;

        internal static GpuHealthCheck MemoryBandwidth(int gpu, BandwidthResult? copy, Exception? failure)
        {
            const string name = "Memory bandwidth";
            if (LoadVerdicts.WrongData(gpu, name, "device copy", failure) is GpuHealthCheck wrong) return wrong;
            if (copy == null) return HealthRow.Make(gpu, name, CheckStatus.Warning, "The device copy could not be measured: "
                + (failure?.Message ?? "no result"), "Run Measure-GpuBandwidth -Test device_local_copy_sm for the details.",
                    HealthAction.Watch);
            string figures = LoadVerdicts.F("Device copy {0:0} GB/s counted once, {1:0} GB/s of memory traffic", copy.GBps,
                copy.TrafficGBps);
            if (copy.PercentOfTheoretical is not double percent) return HealthRow.Make(gpu, name, CheckStatus.Passed, figures
                + " (no theoretical figure for this card).");
            figures += LoadVerdicts.F(", {0:0.0}% of the theoretical {1:0} GB/s", percent, copy.TheoreticalGBps);
            if (percent < MemoryFloorPercent)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Warning, figures
                    + LoadVerdicts.F(": below {0:0}%, where healthy GPUs reach 80-90%.", MemoryFloorPercent),
                    "Check the memory clock (nvidia-smi -q -d CLOCK) and whether other programs use the GPU; if neither explains it, have "
                        + "the board looked at.", HealthAction.Watch);
            }

            return HealthRow.Make(gpu, name, CheckStatus.Passed, figures + ".");
        }
    }
}
