using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>Persistence mode: off warns (Configure), since every job then pays the driver's start-up and settings can reset.</summary>
    internal sealed class PersistenceModeCheck : NvmlCheck
    {
        public override string Id => "persistence_mode";

        public override string Name => "Persistence mode";

        public override string Description => "Persistence mode is on, so the driver keeps the GPU initialised between jobs.";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            if (context.Device.PersistenceMode is not bool on)
                return Row(gpu, CheckStatus.Skipped,
                    "NVML gives no persistence mode here (Windows has none; the driver stays loaded there).");
            return on
                ? Row(gpu, CheckStatus.Passed, "Enabled: the driver keeps the GPU initialised between jobs.")
                : Row(gpu, CheckStatus.Warning,
                    "Disabled: the driver tears the GPU down when the last program exits, so every job pays the start-up and settings can "
                        + "reset.",
                    "Run the nvidia-persistenced service (or sudo nvidia-smi -pm 1).", HealthAction.Configure);
        }
    }
}
