using System.Globalization;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>The PCIe link's trained width against its maximum; a lower generation at idle is power saving, not a fault.</summary>
    internal sealed class PcieLinkCheck : NvmlCheck
    {
        public override string Id => "pcie_link";

        public override string Name => "PCIe link";

        public override string Description => "The PCIe link trained to all its lanes (a narrower link fails).";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            CudaDevice device = context.Device;
            int gpu = context.Gpu;
            if (device.PcieLinkWidth is not int width || device.PcieMaxLinkWidth is not int maxWidth)
                return Row(gpu, CheckStatus.Skipped, "NVML gives no PCIe link width for this GPU.");
            string link = string.Format(CultureInfo.InvariantCulture, "Gen{0} x{1} of Gen{2} x{3}", device.PcieGeneration, width,
                device.PcieMaxGeneration, maxWidth);
            if (width < maxWidth)
            {
                return Row(gpu, CheckStatus.Failed, link
                    + ": the link trained to fewer lanes than it has, so host transfers run at a fraction of their speed.",
                    "Drain the node; reseat the board (and its riser or cable), then check the slot. A link that stays narrow after a "
                        + "reseat is a board or slot fault.",
                    HealthAction.Drain);
            }

            // An idle GPU lowers its link generation to save power and raises it under load; a lower generation is only news under load.
            string note = device.PcieGeneration < device.PcieMaxGeneration
                ? " (a lower generation at idle is normal power saving; Measure-GpuBandwidth reads it under load)"
                : string.Empty;
            return Row(gpu, CheckStatus.Passed, link + note + ".");
        }
    }
}
