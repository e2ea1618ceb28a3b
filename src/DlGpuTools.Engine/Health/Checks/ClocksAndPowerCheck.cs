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
    /// <summary>NVML's samples under the stress: a hardware slowdown fails, a software thermal slowdown warns.</summary>
    internal sealed class ClocksAndPowerCheck : LoadCheck
    {
        public override string Id => "clocks_and_power";

        public override string Name => "Clocks and power";

        public override string Description => "SM clock, power and temperature sampled under the stress, and the slowdown reasons seen.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsStress;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<StressReading>(GemmStressRun.RunId, context.Gpu) is StressReading s ? ClocksAndPower(context.Gpu,
                s.Load) : null;

        internal static GpuHealthCheck ClocksAndPower(int gpu, LoadFigures? load)
        {
            const string name = "Clocks and power";
            if (load == null || load.Samples == 0) return HealthRow.Make(gpu, name, CheckStatus.Skipped,
                "NVML gave no samples during the stress.");
            string figures = LoadVerdicts.F("{0} sample(s): SM clock median {1} MHz ({2}-{3}); power median {4} W, peak {5} W of a {6} W "
                + "limit; peak temperature {7} C",
                load.Samples, LoadVerdicts.Text(load.MedianSmClockMHz), LoadVerdicts.Text(load.MinSmClockMHz),
                    LoadVerdicts.Text(load.MaxSmClockMHz), LoadVerdicts.Text(load.MedianPowerW), LoadVerdicts.Text(load.MaxPowerW),
                        LoadVerdicts.Text(load.PowerLimitW), LoadVerdicts.Text(load.MaxTemperatureC));
            string reasons = load.Reasons.Count == 0 ? "no slowdown reason" : "slowdown reasons " + string.Join(", ",
                load.Reasons.OrderByDescending(r => r.Value).Select(r => LoadVerdicts.F("{0} in {1}", r.Key, r.Value)));
            string[] hardware = load.Reasons.Keys.Where(r => r.StartsWith("Hw", StringComparison.Ordinal)).ToArray();
            if (hardware.Length > 0)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Failed, figures + "; " + reasons
                    + ": the GPU slowed for a hardware reason under load.",
                    "Drain the node; check fans, airflow, inlet temperature, power cables and the supply (HwPowerBrakeSlowdown is the "
                        + "board's power brake).", HealthAction.Drain);
            }

            if (load.Reasons.ContainsKey("SwThermalSlowdown"))
            {
                return HealthRow.Make(gpu, name, CheckStatus.Warning, figures + "; " + reasons
                    + ": the driver held the clocks down to hold the temperature.",
                    "Improve cooling or airflow before the node takes long jobs.", HealthAction.Watch);
            }

            string note = load.Reasons.ContainsKey("SwPowerCap") ? " (SwPowerCap under a full GEMM load is normal: the GPU runs at its "
                + "power limit)" : string.Empty;
            return HealthRow.Make(gpu, name, CheckStatus.Passed, figures + "; " + reasons + note + ".");
        }
    }
}
