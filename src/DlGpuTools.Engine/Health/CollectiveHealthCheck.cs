using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.Collectives;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Topology;

namespace DlGpuTools.Health
{
    /// <summary>
    /// A verified NCCL AllReduce over every selected GPU, at the Standard and Long levels on hosts with two or more
    /// (as Azure's node health check runs check_nccl_allreduce): wrong data fails the host, bus bandwidth below what
    /// the links allow warns (the expectation and verdict of <see cref="CollectiveExpectation"/>), and a GPU whose
    /// own stream took markedly longer than its peers' is named. Without NCCL the check is skipped, saying so.
    /// </summary>
    internal static class CollectiveHealthCheck
    {
        internal const string Name = "NCCL AllReduce";

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

        /// <summary>Adds the host's check and any GPU named slow; nothing on fewer than two GPUs.</summary>
        public static void AddTo(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, GpuHealthReport report, IDictionary<int, GpuHealth> perGpu) =>
            AddTo(runtime, devices, report, perGpu, DefaultRequest());

        internal static void AddTo(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, GpuHealthReport report, IDictionary<int, GpuHealth> perGpu, CollectiveRequest request)
        {
            if (devices.Count < 2) return;
            foreach (GpuHealthCheck check in Run(runtime, devices, request))
            {
                if (check.Gpu is int gpu && perGpu.TryGetValue(gpu, out GpuHealth health)) health.Checks.Add(check);
                else report.Checks.Add(check);
            }
        }

        internal static IEnumerable<GpuHealthCheck> Run(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, CollectiveRequest request)
        {
            IReadOnlyList<CollectiveRankResult> ranks;
            try
            {
                ranks = new CollectiveMeasurement(runtime).RunLocalRanks(request, devices, CancellationToken.None);
            }
            catch (NcclNotFoundException e)
            {
                return new[] { QuickHealthChecks.Make(null, Name, CheckStatus.Skipped, "NCCL is not installed where the module looks, so no collective ran: " + FirstLine(e.Message), e.Remedy) };
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
                return QuickHealthChecks.Make(null, Name, CheckStatus.Failed, $"The AllReduce over {gpus} did not complete: {result.Failure}",
                    "Drain the node; run Measure-GpuCollective with NCCL_DEBUG=INFO to see where it stops, and check the NVLinks (Get-GpuTopology) and dmesg for Xid errors.",
                    HealthAction.Drain);
            }

            long wrong = result.Sizes.Sum(s => s.WrongElements);
            if (wrong > 0)
            {
                return QuickHealthChecks.Make(null, Name, CheckStatus.Failed, $"{wrong} element(s) of the AllReduce over {gpus} differed from the host reference: {result.Verdict}",
                    "Drain the node: a GPU or link corrupts data in transit. Run Measure-GpuCollective on pairs of GPUs (-Index a,b) to find which, and check NVLink error counters.",
                    HealthAction.Drain);
            }

            string figure = result.LargeMessageBusGBps is double bus
                ? string.Format(CultureInfo.InvariantCulture, "bus bandwidth {0:0.#} GB/s at 64 MiB", bus)
                : "no large message measured";
            if (result.Status == "Warning")
                return QuickHealthChecks.Make(null, Name, CheckStatus.Warning, $"Verified over {gpus}; {figure}. {result.Verdict}", "See the likely cause named; Measure-GpuCollective -MaxBytes 1GiB measures it in full.", HealthAction.Watch);
            string expected = result.ExpectedBusGBps is double e ? string.Format(CultureInfo.InvariantCulture, " (expected {0:0.#} GB/s: {1})", e, result.ExpectationBasis) : string.Empty;
            return QuickHealthChecks.Make(null, Name, CheckStatus.Passed, $"Verified over {gpus}; {figure}{expected}.");
        }

        /// <summary>Ranks whose median time at the largest size is well above the other ranks' median, named one by one.</summary>
        internal static IEnumerable<GpuHealthCheck> SlowRanks(IReadOnlyList<CollectiveRankResult> ranks, string? operation)
        {
            var times = ranks
                .Select(r => (Rank: r, Size: r.Operations.FirstOrDefault(o => o.Operation == operation)?.Sizes.LastOrDefault()))
                .Where(x => x.Size != null && x.Size.BatchMicroseconds.Count > 0)
                .Select(x => (x.Rank, Median: CollectiveMath.Median(x.Size!.BatchMicroseconds), x.Size.Bytes))
                .ToList();
            if (times.Count < 2) yield break;
            foreach (var t in times)
            {
                double others = CollectiveMath.Median(times.Where(o => o.Rank != t.Rank).Select(o => o.Median).ToList());
                if (others > 0 && t.Median > others * SlowFactor)
                {
                    yield return QuickHealthChecks.Make(t.Rank.DeviceIndex, Name, CheckStatus.Warning,
                        string.Format(CultureInfo.InvariantCulture, "GPU {0} took {1:0.00}x as long per AllReduce of {2} bytes as its peers ({3:0.#} vs {4:0.#} us, CUDA events on its own stream): its links, its PCIe slot or its clocks hold the others up.",
                            t.Rank.DeviceIndex, t.Median / others, t.Bytes, t.Median, others),
                        "Compare its links in Get-GpuTopology and Measure-GpuBandwidth's peer tests, and its clocks and throttle reasons in Get-GpuSample.",
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
