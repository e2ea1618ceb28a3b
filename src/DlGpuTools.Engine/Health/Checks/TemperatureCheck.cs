using System.Globalization;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>The temperature against NVML's slowdown threshold: at it fails, within 10 C of it warns.</summary>
    internal sealed class TemperatureCheck : NvmlCheck
    {
        public override string Id => "temperature";

        public override string Name => "Temperature";

        public override string Description => "The GPU temperature against its slowdown threshold.";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            if (context.Device.TemperatureC is not int now) return Row(gpu, CheckStatus.Skipped, "NVML gives no temperature for this GPU.");
            NvmlReturn r = context.Nvml.nvmlDeviceGetTemperatureThreshold(context.Handle, Nvml.TemperatureThresholdSlowdown,
                out uint slowdown);
            if (r != NvmlReturn.NVML_SUCCESS || slowdown == 0) return Row(gpu, CheckStatus.Passed,
                $"{now} C (NVML gives no slowdown threshold here: {r}).");
            string figures = string.Format(CultureInfo.InvariantCulture, "{0} C, slowdown at {1} C", now, slowdown);
            if (now >= slowdown)
            {
                return Row(gpu, CheckStatus.Failed, figures + ": the GPU is at its slowdown temperature.",
                    "Drain the node and fix the cooling (fans, airflow, inlet temperature).", HealthAction.Drain);
            }

            if (now >= slowdown - 10)
                return Row(gpu, CheckStatus.Warning, figures + ": within 10 C of slowing down.",
                    "Check the cooling before the node takes heavy jobs.", HealthAction.Watch);
            return Row(gpu, CheckStatus.Passed, figures + ".");
        }
    }
}
