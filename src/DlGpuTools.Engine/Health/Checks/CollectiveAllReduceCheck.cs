using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.Collectives;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;
using DlGpuTools.Topology;

namespace DlGpuTools.Health
{
    /// <summary>
    /// A verified NCCL AllReduce over every selected GPU, at the Standard and Long levels on hosts with two or more
    /// (as Azure's node health check runs check_nccl_allreduce): wrong data fails the host, bus bandwidth below what
    /// the links allow warns (the expectation and verdict of <see cref="CollectiveExpectation"/>), and a GPU whose
    /// own stream took markedly longer than its peers' is named. Without NCCL the check is skipped, saying so.
    /// </summary>
    internal sealed class CollectiveAllReduceCheck : HostCheck
    {
        internal const string CheckName = "NCCL AllReduce";

        public override string Id => "nccl_allreduce";

        public override string Name => CheckName;

        public override string Description =>
            "A verified NCCL AllReduce of 64 MiB over the GPUs (two or more), against what their links allow.";

        public override HealthLevel Level => HealthLevel.Standard;

        /// <summary>A GPU named slow against its peers gets the row in its own list.</summary>
        public override bool RowsGoToTheirGpu => true;

        /// <summary>Its rows: one for the host, and one on each GPU it names as slow; none on fewer than two answering GPUs.</summary>
        public override IEnumerable<GpuHealthCheck> Run(HealthContext context)
        {
            // Only GPUs whose NVML checks answered: a collective on a hung GPU would hang too.
            var answering = context.Devices.Where(d => context.Answers(d.Index)).ToList();
            return answering.Count < 2 ? Enumerable.Empty<GpuHealthCheck>() : Run(context.Runtime, answering, DefaultRequest());
        }

        /// <summary>A rank whose median time at the largest size exceeds the others' median by this factor is named slow.</summary>
        internal const double SlowFactor = 1.25;

        /// <summary>
        /// One 64 MiB FP32 sum (the large-message threshold), out of place: fifteen timed operations after two untimed,
        /// then one verified; well under a second on NVLink or PCIe. Measure-GpuCollective measures the whole range.
        /// </summary>
        internal static CollectiveRequest DefaultRequest() => new CollectiveRequest
        {
            Operations = new[] { CollectiveOperation.AllReduce },
            MinBytes = CollectiveRequest.LargeMessageBytes,
            MaxBytes = CollectiveRequest.LargeMessageBytes,
            Iterations = 5,
            Warmup = 2,
            Batches = 3,
            TimeoutSeconds = 60,
        };

        internal static IEnumerable<GpuHealthCheck> Run(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, CollectiveRequest request)
        {
            IReadOnlyList<CollectiveRankResult> ranks;
            try
            {
                ranks = new CollectiveMeasurement(runtime).RunLocalRanks(request, devices, CancellationToken.None);
            }
            catch (NcclNotFoundException e)
            {
                return new[] { HealthRow.Make(null, CheckName, CheckStatus.Skipped,
                    "NCCL is not installed where the module looks, so no collective ran: " + FirstLine(e.Message), e.Remedy) };
            }

            CollectiveResult result = CollectiveMeasurement.Merge(ranks).Single();
            IReadOnlyList<GpuTopology> topology;
            try
            {
                topology = TopologyReader.Read(runtime, devices, new List<string>());
            }
            catch (Exception e) when (e is Interop.NvmlException || e is Interop.NativeLibraryNotFoundException)
            {
                topology = Array.Empty<GpuTopology>();
            }

            CollectiveExpectation.Judge(result, topology, devices);
            var checks = new List<GpuHealthCheck> { Judge(result) };
            checks.AddRange(SlowRanks(ranks, result.Operation));
            return checks;
        }

        internal static GpuHealthCheck Judge(CollectiveResult result)
        {
            string gpus = string.Join(", ", result.Ranks);
            if (result.Failure != null)
            {
                return HealthRow.Make(null, CheckName, CheckStatus.Failed, $"The AllReduce over {gpus} did not complete: {result.Failure}",
                    "Drain the node; run Measure-GpuCollective with NCCL_DEBUG=INFO to see where it stops, and check the NVLinks "
                        + "(Get-GpuTopology) and dmesg for Xid errors.",
                    HealthAction.Drain);
            }

            long wrong = result.Sizes.Sum(s => s.WrongElements);
            if (wrong > 0)
            {
                return HealthRow.Make(null, CheckName, CheckStatus.Failed,
                    $"{wrong} element(s) of the AllReduce over {gpus} differed from the host reference: {result.Verdict}",
                    "Drain the node: a GPU or link corrupts data in transit. Run Measure-GpuCollective on pairs of GPUs (-Index a,b) to "
                        + "find which, and check NVLink error counters.",
                    HealthAction.Drain);
            }

            string figure = result.LargeMessageBusGBps is double bus
                ? string.Format(CultureInfo.InvariantCulture, "bus bandwidth {0:0.#} GB/s at 64 MiB", bus)
                : "no large message measured";
            if (result.CheckStatus == CheckStatus.Warning)
                return HealthRow.Make(null, CheckName, CheckStatus.Warning, $"Verified over {gpus}; {figure}. {result.Verdict}",
                    "See the likely cause named; Measure-GpuCollective -MaxBytes 1GiB measures it in full.", HealthAction.Watch);
            string expected = result.ExpectedBusGBps is double e
                ? string.Format(CultureInfo.InvariantCulture, " (expected {0:0.#} GB/s: {1})", e, result.ExpectationBasis) : string.Empty;
            return HealthRow.Make(null, CheckName, CheckStatus.Passed, $"Verified over {gpus}; {figure}{expected}.");
        }

        /// <summary>Ranks whose median time at the largest size is well above the other ranks' median, named one by one.</summary>
        internal static IEnumerable<GpuHealthCheck> SlowRanks(IReadOnlyList<CollectiveRankResult> ranks, string? operation)
        {
            var times = ranks
                .Select(r => (Rank: r, Size: r.Operations.FirstOrDefault(o => o.Operation == operation)?.Sizes.LastOrDefault()))
                .Where(x => x.Size != null && x.Size.BatchMicroseconds.Count > 0)
                .Select(x => (x.Rank, Median: Statistics.Median(x.Size!.BatchMicroseconds), x.Size.Bytes))
                .ToList();
            if (times.Count < 2) yield break;
            foreach (var t in times)
            {
                double others = Statistics.Median(times.Where(o => o.Rank != t.Rank).Select(o => o.Median).ToList());
                if (others > 0 && t.Median > others * SlowFactor)
                {
                    yield return HealthRow.Make(t.Rank.DeviceIndex, CheckName, CheckStatus.Warning,
                        string.Format(CultureInfo.InvariantCulture,
                            "GPU {0} took {1:0.00}x as long per AllReduce of {2} bytes as its peers ({3:0.#} vs {4:0.#} us, CUDA events on "
                            + "its own stream): its links, its PCIe slot or its clocks hold the others up.",
                            t.Rank.DeviceIndex, t.Median / others, t.Bytes, t.Median, others),
                        "Compare its links in Get-GpuTopology and Measure-GpuBandwidth's peer tests, and its clocks and throttle "
                            + "reasons in Get-GpuSample.",
                        HealthAction.Watch);
                }
            }
        }

        private static readonly char[] LineBreaks = { '\r', '\n' };

        private static string FirstLine(string text)
        {
            int end = text.IndexOfAny(LineBreaks);
            return end < 0 ? text : text.Substring(0, end);
        }
    }
}
