using System.Globalization;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>The enforced power limit against the board's default: a cap more than 5% below it warns (Configure).</summary>
    internal sealed class PowerLimitCheck : NvmlCheck
    {
        public override string Id => "power_limit";

        public override string Name => "Power limit";

        public override string Description => "The enforced power limit against the board's default (a cap below it warns).";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            NvmlReturn r = context.Nvml.DeviceGetUInt("nvmlDeviceGetEnforcedPowerLimit", context.Handle, out uint enforced);
            NvmlReturn d = context.Nvml.DeviceGetUInt("nvmlDeviceGetPowerManagementDefaultLimit", context.Handle, out uint standard);
            if (r != NvmlReturn.NVML_SUCCESS || d != NvmlReturn.NVML_SUCCESS || standard == 0)
                return Row(gpu, CheckStatus.Skipped, $"NVML gives no enforced or default power limit here ({r}, {d}).");
            string figures = string.Format(CultureInfo.InvariantCulture, "{0:0} W enforced, {1:0} W by default", enforced / 1000.0,
                standard / 1000.0);
            if (enforced < standard * 0.95)
            {
                return Row(gpu, CheckStatus.Warning, figures + ": the GPU is capped below its default, so it runs slower under load.",
                    string.Format(CultureInfo.InvariantCulture, "If the cap is not intended: sudo nvidia-smi -i {0} -pl {1:0}", gpu,
                        standard / 1000.0), HealthAction.Configure);
            }

            return Row(gpu, CheckStatus.Passed, figures + ".");
        }
    }
}
