using System;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Clock-event reasons now: a hardware slowdown (thermal, power brake, the slowdown line) fails, software thermal
    /// warns.
    /// </summary>
    internal sealed class ClockSlowdownCheck : NvmlCheck
    {
        public override string Id => "clock_slowdown";

        public override string Name => "Clock slowdown";

        public override string Description => "Clock-event reasons: a hardware thermal or power slowdown fails, a software thermal one "
            + "warns.";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            int gpu = context.Gpu;
            NvmlReturn r = context.Nvml.nvmlDeviceGetCurrentClocksEventReasons(context.Handle, out ulong mask);
            if (r != NvmlReturn.NVML_SUCCESS) return Row(gpu, CheckStatus.Skipped, $"NVML gives no clock-event reasons here ({r}).");
            string[] reasons = ClockEventReasons.Decode(mask);
            string list = reasons.Length == 0 ? "none" : string.Join(", ", reasons);
            // Hardware slowdowns (thermal, power brake, the slowdown line) mean cooling or power delivery is failing.
            string[] hardware = reasons.Where(n => n.StartsWith("Hw", StringComparison.Ordinal)).ToArray();
            if (hardware.Length > 0)
            {
                return Row(gpu, CheckStatus.Failed, "The GPU is slowing its clocks for a hardware reason: " + string.Join(", ", hardware)
                    + $" (all reasons: {list}).",
                    "Drain the node; check the fans, airflow and inlet temperature, and the power cables and supply (HwPowerBrakeSlowdown "
                        + "is the board's power brake).",
                    HealthAction.Drain);
            }

            if (reasons.Contains("SwThermalSlowdown"))
            {
                return Row(gpu, CheckStatus.Warning, $"The driver is slowing the clocks to hold the temperature (reasons: {list}).",
                    "Improve cooling or airflow; sustained throttling lowers every figure.", HealthAction.Watch);
            }

            return Row(gpu, CheckStatus.Passed, $"No thermal or power slowdown (reasons: {list}).");
        }
    }
}
