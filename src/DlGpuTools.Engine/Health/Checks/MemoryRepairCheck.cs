using System.Globalization;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>Row remapping (pending: reset; failed: replace) or, before Ampere, a pending page retirement.</summary>
    internal sealed class MemoryRepairCheck : NvmlCheck
    {
        public override string Id => "memory_repair";

        public override string Name => "Memory repair";

        public override string Description => "Row remaps or page retirements that are pending a reset or that failed.";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            Nvml nvml = context.Nvml;
            NvmlReturn r = nvml.nvmlDeviceGetRemappedRows(context.Handle, out uint correctable, out uint uncorrectable, out bool pending,
                out bool failed);
            if (r == NvmlReturn.NVML_SUCCESS)
            {
                string counts = string.Format(CultureInfo.InvariantCulture,
                    "{0} row(s) remapped for uncorrectable and {1} for correctable errors", uncorrectable, correctable);
                if (failed)
                {
                    return Row(gpu, CheckStatus.Failed, counts + "; a remap FAILED: no spare row was left.",
                        "Drain the node and replace the board (NVIDIA's memory error guide: a failed row remap needs an RMA).",
                            HealthAction.ReplaceGpu);
                }

                if (pending)
                {
                    return Row(gpu, CheckStatus.Failed, counts
                        + "; a remap is pending until the GPU is reset, so a bad row is still in use.",
                        $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}) to apply the remap.", HealthAction.ResetGpu);
                }

                return Row(gpu, CheckStatus.Passed, counts + "; none pending, none failed.");
            }

            NvmlReturn retired = nvml.nvmlDeviceGetRetiredPagesPendingStatus(context.Handle, out bool retirePending);
            if (retired == NvmlReturn.NVML_SUCCESS)
            {
                return retirePending
                    ? Row(gpu, CheckStatus.Failed, "A page retirement is pending until the GPU is reset, so a bad page is still in use.",
                        $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}) or reboot.", HealthAction.ResetGpu)
                    : Row(gpu, CheckStatus.Passed, "No page retirement pending.");
            }

            return Row(gpu, CheckStatus.Skipped,
                $"NVML reports neither row remapping ({r}) nor page retirement ({retired}) for this GPU (consumer cards and GPUs without "
                    + $"ECC have neither).");
        }
    }
}
