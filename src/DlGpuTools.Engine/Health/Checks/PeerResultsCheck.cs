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
    /// <summary>Each GPU's first result against its peers': the same model, type, size and algorithm must give the same bits.</summary>
    internal sealed class PeerResultsCheck : LoadCheck
    {
        public override string Id => "peer_results";

        public override string Name => "Peer results";

        public override string Description => "The first GEMM result is bit for bit the same as the same model's other GPUs' in this host.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsStress;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<StressReading>(GemmStressRun.RunId, context.Gpu) is StressReading s
                ? PeerResults(s.Outcome, context.Run.Readings<StressReading>(GemmStressRun.RunId).Select(r => r.Outcome).ToList())
                : null;

        /// <summary>
        /// Each GPU's first result against its peers': the same model (and SM count), type, size and cuBLASLt algorithm
        /// must give the same bits. A GPU outvoted by a majority fails; two that disagree with no majority both warn.
        /// </summary>
        internal static GpuHealthCheck PeerResults(StressOutcome o, IReadOnlyList<StressOutcome> all)
        {
            const string name = "Peer results";
            if (o.FirstResultHash is not ulong own) return HealthRow.Make(o.Index, name, CheckStatus.Skipped,
                "No first result to compare.");
            StressOutcome[] group = all.Where(p => p.FirstResultHash.HasValue && p.Device.Name == o.Device.Name
                && p.Device.MultiprocessorCount == o.Device.MultiprocessorCount
                                                   && p.DataType == o.DataType && p.Size == o.Size && p.Algorithm == o.Algorithm).ToArray();
            if (group.Length < 2)
            {
                return HealthRow.Make(o.Index, name, CheckStatus.Skipped,
                    LoadVerdicts.F("No other {0} in this host ran the same GEMM with the same algorithm, so there is no result to compare "
                        + "with.", o.Device.Name));
            }

            var votes = group.GroupBy(p => p.FirstResultHash.GetValueOrDefault()).OrderByDescending(g => g.Count()).ToArray();
            int agree = group.Count(p => p.FirstResultHash == own) - 1;
            string others = string.Join(", ",
                group.Where(p => p.Index != o.Index).Select(p => p.Index.ToString(CultureInfo.InvariantCulture)));
            if (agree == group.Length - 1)
                return HealthRow.Make(o.Index, name, CheckStatus.Passed,
                    LoadVerdicts.F("The first result is bit for bit the same as GPU {0}'s (same model, algorithm and inputs).", others));
            bool majority = votes[0].Count() > group.Length / 2;
            if (majority && votes[0].Key == own)
            {
                return HealthRow.Make(o.Index, name, CheckStatus.Passed,
                    LoadVerdicts.F("The first result agrees with the majority of this model's GPUs; GPU {0} differ(s) and fail(s) this "
                        + "check.", string.Join(", ",
                            group.Where(p => p.FirstResultHash != own).Select(p => p.Index.ToString(CultureInfo.InvariantCulture)))));
            }

            if (majority)
            {
                return HealthRow.Make(o.Index, name, CheckStatus.Failed,
                    LoadVerdicts.F("The first result differs from that of {0} of the other {1} GPU(s) of this model ({2}), which agree "
                        + "with each other: this GPU computes wrong results the same way every time, which comparing it with itself "
                        + "cannot show.", votes[0].Count(), group.Length - 1, others),
                    "Drain the node: jobs on this GPU get wrong numbers without an error. Run Test-GpuHealth -Level Long; if it is "
                        + "outvoted again, replace the board.", HealthAction.Drain);
            }

            // One of them computes wrong results and the check cannot tell which: both fail (Drain: a fault it cannot place).
            return HealthRow.Make(o.Index, name, CheckStatus.Failed,
                LoadVerdicts.F("The first result differs from GPU {0}'s and no majority says which is right (same model, algorithm and "
                    + "inputs must give the same bits).", string.Join(", ",
                        group.Where(p => p.FirstResultHash != own).Select(p => p.Index.ToString(CultureInfo.InvariantCulture)))),
                "Drain the node and run the check on a host with a third GPU of this model, or compare the GPUs' results in a job; one of "
                    + "them computes wrong results.", HealthAction.Drain);
        }
    }
}
