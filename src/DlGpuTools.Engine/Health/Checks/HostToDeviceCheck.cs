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
    /// The screening host-to-device copy: wrong data fails; below 50% of the PCIe link's rate warns (healthy H100s
    /// reach about 85%).
    /// </summary>
    internal sealed class HostToDeviceCheck : LoadCheck
    {
        public override string Id => "host_to_device";

        public override string Name => "Host-to-device";

        public override string Description => "A short pinned host-to-device copy against the PCIe link's theoretical rate, its data "
            + "verified.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsLinks;

        internal const double HostLinkFloorPercent = 50;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<LinkReading>(LinkScreeningRun.RunId, context.Gpu) is LinkReading l ? HostToDevice(context.Gpu,
                l.HostToDevice, l.HostToDeviceFailure) : null;

        internal static GpuHealthCheck HostToDevice(int gpu, BandwidthResult? h2d, Exception? failure)
        {
            const string name = "Host-to-device";
            if (LoadVerdicts.WrongData(gpu, name, "pinned host-to-device copy", failure) is GpuHealthCheck wrong) return wrong;
            if (h2d == null) return HealthRow.Make(gpu, name, CheckStatus.Warning, "The pinned host-to-device copy could not be measured: "
                + (failure?.Message ?? "no result"), "Run Measure-GpuBandwidth -Test host_to_device_memcpy_ce for the details.",
                    HealthAction.Watch);
            string figures = LoadVerdicts.F("Pinned host-to-device {0:0.0} GB/s", h2d.GBps);
            string note = Strings.IsNullOrWhiteSpace(h2d.Note) ? string.Empty : " (" + h2d.Note + ")";
            if (h2d.PercentOfTheoretical is not double percent) return HealthRow.Make(gpu, name, CheckStatus.Passed, figures
                + " (no theoretical figure for the link)" + note + ".");
            figures += LoadVerdicts.F(", {0:0.0}% of the link's {1:0.0} GB/s ({2})", percent, h2d.TheoreticalGBps, h2d.TheoreticalBasis);
            if (percent < HostLinkFloorPercent)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Warning, figures + note
                    + LoadVerdicts.F(": below {0:0}%, where healthy links reach 75-90%.", HostLinkFloorPercent),
                    "Check the link under load (Get-CudaDevice shows generation and width), the CPU socket the GPU hangs off "
                        + "(Get-GpuTopology) and the slot or riser.", HealthAction.Watch);
            }

            return HealthRow.Make(gpu, name, CheckStatus.Passed, figures + note + ".");
        }
    }
}
