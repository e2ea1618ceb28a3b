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
    /// The stress's sustained throughput against the card table's dense peak: below half of it warns (healthy cards
    /// reach 60-80%).
    /// </summary>
    internal sealed class GemmThroughputCheck : LoadCheck
    {
        public override string Id => "gemm_throughput";

        public override string Name => "GEMM throughput";

        public override string Description => "The stress GEMM's sustained throughput against the card table's dense peak.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsStress;

        internal const double PeakFloor = 0.50;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<StressReading>(GemmStressRun.RunId, context.Gpu) is StressReading s ? Throughput(s.Outcome) : null;

        internal static GpuHealthCheck Throughput(StressOutcome o)
        {
            const string name = "GEMM throughput";
            if (o.Tflops is not double tflops) return HealthRow.Make(o.Index, name, CheckStatus.Skipped,
                "No throughput: the stress did not run to the end.");
            string measured = LoadVerdicts.F("{0:0.0} TFLOPS {1} (median of {2} timed batches of {3} back-to-back GEMMs after a {4:0.#} s "
                + "warm-up)", tflops, o.DataType, o.CallMilliseconds.Count, o.ResultsPerBatch, o.Seconds / 10);
            if (o.PeakTflops is not double peak || peak <= 0)
                return HealthRow.Make(o.Index, name, CheckStatus.Passed, measured
                    + LoadVerdicts.F("; the card table has no {0} peak for {1}, so it is compared with its peers only.", o.DataType,
                        o.Device.Name));
            double share = tflops / peak;
            string figures = measured + LoadVerdicts.F(", {0:0.0}% of the {1:0} TFLOPS dense peak", 100 * share, peak);
            if (share < PeakFloor)
            {
                return HealthRow.Make(o.Index, name, CheckStatus.Warning, figures
                    + LoadVerdicts.F(": below {0:0}% of it, where healthy cards reach 60-80%.", 100 * PeakFloor),
                    "Look at the clocks and power check: a power cap, locked clocks, thermal slowdown or a busy GPU lowers it. If none "
                        + "explains it, have the board looked at.", HealthAction.Watch);
            }

            return HealthRow.Make(o.Index, name, CheckStatus.Passed, figures + ".");
        }
    }
}
