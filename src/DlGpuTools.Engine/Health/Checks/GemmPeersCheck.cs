using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Benchmarks;
using DlGpuTools.Diagnostics;
using DlGpuTools.GpuWork;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Each GPU's throughput against the median of the other GPUs of the same model in this host: more than 10% below
    /// warns.
    /// </summary>
    internal sealed class GemmPeersCheck : LoadCheck
    {
        public override string Id => "gemm_vs_peers";

        public override string Name => "GEMM vs peers";

        public override string Description => "The stress throughput against the median of the same model's GPUs in this host.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsStress;

        internal const double PeerShortfall = 0.10;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<StressReading>(GemmStressRun.RunId, context.Gpu) is StressReading s
                ? AgainstPeers(s.Outcome, context.Run.Readings<StressReading>(GemmStressRun.RunId).Select(r => r.Outcome).ToList())
                : null;

        /// <summary>Each GPU against the median of the other GPUs of the same model in this host.</summary>
        internal static GpuHealthCheck AgainstPeers(StressOutcome o, IReadOnlyList<StressOutcome> all)
        {
            const string name = "GEMM vs peers";
            if (o.Tflops is not double tflops) return HealthRow.Make(o.Index, name, CheckStatus.Skipped, "No throughput to compare.");
            double[] peers = all.Where(p => p.Index != o.Index && p.Device.Name == o.Device.Name && p.DataType == o.DataType
                    && p.Size == o.Size && p.Tflops.HasValue)
                .Select(p => p.Tflops.GetValueOrDefault()).OrderBy(t => t).ToArray();
            if (peers.Length == 0) return HealthRow.Make(o.Index, name, CheckStatus.Skipped,
                LoadVerdicts.F("No other {0} in this host ran the stress, so there is no peer to compare with.", o.Device.Name));
            double median = Statistics.MedianOfSorted(peers);
            double ratio = tflops / median;
            string figures = LoadVerdicts.F("{0:0.0} TFLOPS against a median of {1:0.0} for the other {2} GPU(s) of this model: {3:0.0}%",
                tflops, median, peers.Length, 100 * ratio);
            if (ratio < 1 - PeerShortfall)
            {
                return HealthRow.Make(o.Index, name, CheckStatus.Warning, figures + LoadVerdicts.F(", more than {0:0}% below its peers.",
                    100 * PeerShortfall),
                    "Compare its clocks, power and temperature with the others' (the clocks and power check); a GPU slower than identical "
                        + "neighbours usually has a cooling, power-cable or board fault.", HealthAction.Watch);
            }

            return HealthRow.Make(o.Index, name, CheckStatus.Passed, figures + ".");
        }
    }
}
