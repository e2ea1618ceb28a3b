using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Whether the slot lets the GPU's PCIe link reach the generation the GPU supports. NVML tells the two apart:
    /// nvmlDeviceGetGpuMaxPcieLinkGeneration is the GPU's own maximum, nvmlDeviceGetMaxPcieLinkGeneration the most
    /// the GPU and the system allow together (NVML API reference, Device Queries,
    /// https://docs.nvidia.com/deploy/nvml-api/group__nvmlDeviceQueries.html, read 2026-12). A lower system maximum is
    /// a slot, riser or BIOS setting that caps every host transfer for as long as the node runs, which the PCIe link
    /// check cannot see: it compares the link with the system maximum, and an idle GPU lowers its generation anyway.
    /// </summary>
    internal sealed class PcieSlotCheck : NvmlCheck
    {
        public override string Id => "pcie_slot";

        public override string Name => "PCIe slot";

        public override string Description => "The slot allows the PCIe generation the GPU supports (a BIOS, riser or slot cap warns).";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            NvmlReturn own = context.Nvml.DeviceGetUInt("nvmlDeviceGetGpuMaxPcieLinkGeneration", context.Handle, out uint gpuMaximum);
            NvmlReturn both = context.Nvml.DeviceGetUInt("nvmlDeviceGetMaxPcieLinkGeneration", context.Handle, out uint slotMaximum);
            if (own != NvmlReturn.NVML_SUCCESS || both != NvmlReturn.NVML_SUCCESS || gpuMaximum == 0 || slotMaximum == 0)
            {
                return Row(gpu, CheckStatus.Skipped,
                    $"NVML gives no PCIe generation maximum of the GPU ({own}) or of the GPU in this system ({both}); older drivers have "
                        + $"only the second.");
            }

            if (slotMaximum < gpuMaximum)
            {
                return Row(gpu, CheckStatus.Warning,
                    $"The slot allows Gen{slotMaximum} where the GPU supports Gen{gpuMaximum}: every host transfer tops out at about half "
                        + $"the speed for each "
                    + "generation missing, however the link trains.",
                    $"Set the slot's PCIe speed to Auto or Gen{gpuMaximum} in the BIOS, and check the riser or retimer; if the platform "
                        + $"only has "
                    + $"Gen{slotMaximum}, the cap is by design (Get-GpuTopology shows the CPU socket the slot hangs off).",
                        HealthAction.Configure);
            }

            return Row(gpu, CheckStatus.Passed, $"The slot allows Gen{slotMaximum}, the GPU's own maximum.");
        }
    }
}
