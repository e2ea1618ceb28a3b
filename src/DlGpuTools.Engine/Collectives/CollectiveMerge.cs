using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.GpuWork;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// Ranks' results into one result per operation. A collective ends when its last rank does, so each timed batch
    /// counts at its slowest rank's time, and the size's time is the median of those batches. (nccl-tests times
    /// each process with a host timer after synchronising its streams and reports the mean over ranks of that;
    /// taking the slowest is the stricter of the two and names the rank that holds the others up.)
    /// </summary>
    internal static class CollectiveMerge
    {
        public static IReadOnlyList<CollectiveResult> Merge(IEnumerable<CollectiveRankResult> ranks)
        {
            if (ranks == null) throw new ArgumentNullException(nameof(ranks));
            List<CollectiveRankResult> all = ranks.Where(r => r != null).OrderBy(r => r.Rank).ToList();
            if (all.Count == 0) throw new ArgumentException("No rank results to merge.", nameof(ranks));
            int rankCount = Math.Max(all.Max(r => r.RankCount), all.Count);
            CollectiveRankResult first = all[0];
            var operations = all.SelectMany(r => r.Operations.Select(o => o.Operation)).Where(o => o != null).Distinct().ToList();
            string? failure = string.Join("; ", all.Where(r => r.Failure != null).Select(r => $"rank {r.Rank}: {r.Failure}").Distinct());
            if (failure.Length == 0) failure = null;
            if (all.Count < rankCount)
                failure = (failure == null ? string.Empty : failure + "; ") + $"only {all.Count} of {rankCount} ranks reported";
            if (operations.Count == 0) operations.Add("(none)");

            var results = new List<CollectiveResult>();
            foreach (string? name in operations)
            {
                if (!Enum.TryParse(name, out CollectiveOperation operation)) operation = CollectiveOperation.SendRecv;
                var result = new CollectiveResult
                {
                    Operation = name,
                    DataType = first.DataType,
                    Placement = first.Placement,
                    RankCount = rankCount,
                    Ranks = new ReadableList<string>(all.Select(r => $"{r.HostName}:{r.DeviceIndex} ({r.DeviceName})")),
                    NcclVersion = first.NcclVersion,
                    NcclPath = first.NcclPath,
                    Environment = first.Environment,
                    LargeMessageBytes = CollectiveRequest.LargeMessageBytes,
                    Failure = failure
                        ?? all.SelectMany(r => r.Operations).FirstOrDefault(o => o.Operation == name && o.Failure != null)?.Failure,
                };
                var perRank = all.Select(r => r.Operations.FirstOrDefault(o => o.Operation == name)).ToList();
                int sizes = perRank.Min(o => o?.Sizes.Count ?? 0);
                for (int s = 0; s < sizes; s++)
                {
                    var rows = perRank.Select(o => o!.Sizes[s]).ToList();
                    int batches = rows.Min(r => r.BatchMicroseconds.Count);
                    if (batches == 0) continue;
                    var slowest = Enumerable.Range(0, batches).Select(b => rows.Max(r => r.BatchMicroseconds[b])).ToList();
                    double time = Statistics.Median(slowest);
                    double algbw = rows[0].Bytes / time / 1000.0;
                    long wrong = rows.Sum(r => r.WrongElements);
                    result.Sizes.Add(new CollectiveSize
                    {
                        Bytes = rows[0].Bytes,
                        Elements = rows[0].Elements,
                        TimeMicroseconds = time,
                        AlgorithmGBps = algbw,
                        BusGBps = algbw * CollectiveMath.BusFactor(operation, rankCount),
                        WrongElements = wrong,
                        CheckedElements = rows.Sum(r => r.CheckedElements),
                        CheckStatus = wrong > 0 ? CheckStatus.Failed : CheckStatus.Passed,
                    });
                }

                var large = result.Sizes.Where(x => x.Bytes >= CollectiveRequest.LargeMessageBytes).Select(x => x.BusGBps).ToList();
                result.LargeMessageBusGBps = large.Count > 0 ? Statistics.Median(large) : (double?)null;
                long totalWrong = result.Sizes.Sum(x => x.WrongElements);
                result.CheckStatus = result.Failure != null || totalWrong > 0 ? CheckStatus.Failed : CheckStatus.Passed;
                result.Verdict = result.Failure != null ? "The run failed: " + result.Failure
                    : totalWrong > 0 ? $"{totalWrong} elements differed from the host reference at {WrongSizes(result)}: "
                        + "do not trust these GPUs or links for training."
                    : "Every size verified; no expectation judged.";
                result.Method = Method(operation, rankCount, first);
                results.Add(result);
            }

            return results;
        }

        /// <summary>The message sizes that had wrong elements, for the verdict.</summary>
        private static string WrongSizes(CollectiveResult result) =>
            string.Join(", ",
                result.Sizes.Where(x => x.WrongElements > 0).Select(x => x.Bytes.ToString(CultureInfo.InvariantCulture) + " B"));

        private static string Method(CollectiveOperation operation, int ranks, CollectiveRankResult first) =>
            $"NCCL {first.NcclVersion} ({first.NcclPath}), {ranks} ranks, sum in {first.DataType}, {first.Placement}; per size: "
                + "warm-up, then timed batches "
            + "of iterations between CUDA events on each rank's stream; time = the median batch at its slowest rank / "
            + "iterations; algbw = size / time; "
            + CollectiveMath.ByteCounting(operation)
            + " (nccl-tests' counting, doc/PERFORMANCE.md); data: fresh inputs, poisoned outputs, one run "
            + "compared exactly with a host reference (all elements up to 1M, else 256 windows of 256).";
    }
}
