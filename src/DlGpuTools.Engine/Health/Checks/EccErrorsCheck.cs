using System.Globalization;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>Uncorrectable ECC errors since the driver loaded (fail: reset) and over the board's life (warn: watch).</summary>
    internal sealed class EccErrorsCheck : NvmlCheck
    {
        public override string Id => "ecc_errors";

        public override string Name => "ECC errors";

        public override string Description => "Uncorrectable ECC errors since the driver loaded and over the board's life.";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            Nvml nvml = context.Nvml;
            NvmlReturn r = nvml.nvmlDeviceGetTotalEccErrors(context.Handle, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
                NvmlEccCounterType.NVML_VOLATILE_ECC,
                out ulong recent);
            if (r != NvmlReturn.NVML_SUCCESS)
                return Row(gpu, CheckStatus.Skipped,
                    $"NVML keeps no ECC counts for this GPU ({r}): ECC is off, or the board has none (consumer cards).");
            nvml.nvmlDeviceGetTotalEccErrors(context.Handle, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
                NvmlEccCounterType.NVML_AGGREGATE_ECC, out ulong lifetime);
            if (recent > 0)
            {
                return Row(gpu, CheckStatus.Failed,
                    string.Format(CultureInfo.InvariantCulture,
                        "{0} uncorrectable ECC error(s) since the driver loaded ({1} over the board's life).", recent, lifetime),
                    $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}) so the bad memory is retired or remapped; "
                    + "if errors come back after the reset, replace the board.", HealthAction.ResetGpu);
            }

            if (lifetime > 0)
            {
                return Row(gpu, CheckStatus.Warning,
                    string.Format(CultureInfo.InvariantCulture,
                        "No uncorrectable ECC errors since the driver loaded; {0} over the board's life.", lifetime),
                    "Past errors only: watch whether the count grows (nvidia-smi -q -d ECC).", HealthAction.Watch);
            }

            return Row(gpu, CheckStatus.Passed, "No uncorrectable ECC errors, recent or over the board's life.");
        }
    }
}
