using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Topology;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// "Is my number normal?": what the GPUs' links allow a collective's bus bandwidth to reach on large messages,
    /// a published figure where one exists for such a system, and a verdict that names the likely cause of a
    /// shortfall. A ring collective moves each byte over the slowest link of the ring, so the topology's figure is
    /// the per-direction bandwidth of the slowest pair (NVLink count x per-link rate, else the narrower PCIe link at
    /// its maximum generation and width). NCCL reaches about 70-90% of a link's rate on large messages (more with
    /// NVLink SHARP on NVSwitch systems), so below 70% is judged low.
    /// </summary>
    public static class CollectiveExpectation
    {
        public const double LowFraction = 0.7;

        /// <summary>
        /// Azure's node health check fails an ND96isr H100 v5 (8x H100 SXM on NVSwitch) below 460 GB/s of AllReduce bus
        /// bandwidth at 16 GiB (conf/nd96isr_h100_v5.conf, "check_nccl_allreduce 460.0 1 ... 16G", generated 2023-05-06).
        /// </summary>
        public const double H100x8AllReduceGBps = 460.0;

        public const string H100x8Source =
            "https://github.com/Azure/azurehpc-health-checks/blob/06114325109659ce3c260b56d46aeab436fcfc15/conf/nd96isr_h100_v5.conf "
                + "(2023-05-06)";

        /// <summary>Sets the result's expectation and, for a verified result with large messages, its verdict.</summary>
        public static void Judge(CollectiveResult result, IReadOnlyList<GpuTopology> topology, IReadOnlyList<CudaDevice> devices)
        {
            if (result == null) throw new ArgumentNullException(nameof(result));
            topology ??= Array.Empty<GpuTopology>();
            devices ??= Array.Empty<CudaDevice>();
            var indexes = new HashSet<int>(devices.Select(d => d.Index));
            var pairs = topology.Where(g => indexes.Contains(g.Index)).SelectMany(g => g.Links)
                .Where(l => indexes.Contains(l.PeerIndex)).ToList();
            var causes = new List<string>();
            double? allowed = null;
            string? basis = null;
            foreach (GpuTopologyLink link in pairs)
            {
                (double? gbps, string text) = PairGBps(link, devices);
                if (gbps is double g && (allowed == null || g < allowed))
                {
                    allowed = g;
                    basis = text;
                }
            }

            bool published = result.Operation == nameof(CollectiveOperation.AllReduce) && result.RankCount == 8 && devices.Count == 8
                && devices.All(d => d.Name != null && d.Name.IndexOf("H100", StringComparison.OrdinalIgnoreCase) >= 0
                    && d.Name.IndexOf("PCIe", StringComparison.OrdinalIgnoreCase) < 0)
                && pairs.Count > 0 && pairs.All(l => l.ThroughNvSwitch);
            if (published)
            {
                basis = (basis == null ? string.Empty : basis + "; ")
                    + $"8x H100 SXM on NVSwitch: AllReduce busbw of at least {H100x8AllReduceGBps:0} GB/s at 16 GiB is "
                    + "Azure's node health check threshold, " + H100x8Source;
            }

            result.ExpectedBusGBps = published ? H100x8AllReduceGBps : allowed.HasValue ? Math.Round(allowed.Value, 1) : (double?)null;
            result.ExpectationBasis = basis ?? (pairs.Count == 0
                ? "No topology for these GPUs (NVML unavailable, or ranks on other hosts): no expectation."
                    : "The links' rates are unknown.");
            if (result.CheckStatus != CheckStatus.Passed || result.LargeMessageBusGBps is not double measured
                || result.ExpectedBusGBps is not double expected) return;

            double threshold = published ? expected : expected * LowFraction;
            double percent = 100 * measured / expected;
            if (measured >= threshold)
            {
                result.Verdict = string.Format(CultureInfo.InvariantCulture,
                    "Every size verified; large-message busbw {0:0.#} GB/s is {1:0}% of the expected {2:0.#} GB/s.",
                        measured, percent, expected);
                return;
            }

            causes.AddRange(Causes(result.Environment, pairs, devices));
            result.CheckStatus = CheckStatus.Warning;
            result.Verdict = string.Format(CultureInfo.InvariantCulture,
                "Large-message busbw {0:0.#} GB/s is {1:0}% of the expected {2:0.#} GB/s ({3}). Likely cause: {4}",
                measured, percent, expected, published ? "published figure" : $"below {LowFraction * 100:0}% of what the links allow",
                causes.Count > 0 ? string.Join("; ", causes)
                    : "none visible from here: run with NCCL_DEBUG=INFO to see the transport and algorithm NCCL chose, and "
                        + "compare Get-GpuTopology.");
        }

        private static (double? GBps, string Text) PairGBps(GpuTopologyLink link, IReadOnlyList<CudaDevice> devices)
        {
            if (link.NvLinkCount > 0 && link.NvLinkGBps is double nv)
            {
                return (nv, string.Format(CultureInfo.InvariantCulture, "GPU {0} - GPU {1}: {2} NVLinks{3}, {4:0.#} GB/s per direction",
                    link.DeviceIndex, link.PeerIndex,
                    link.NvLinkCount, link.ThroughNvSwitch ? " through NVSwitch" : string.Empty, nv));
            }

            CudaDevice? a = devices.FirstOrDefault(d => d.Index == link.DeviceIndex),
                b = devices.FirstOrDefault(d => d.Index == link.PeerIndex);
            double? ra = Pcie(a), rb = Pcie(b);
            if (ra == null || rb == null) return (null, string.Empty);
            double rate = Math.Min(ra.Value, rb.Value);
            return (rate, string.Format(CultureInfo.InvariantCulture,
                "GPU {0} - GPU {1}: PCIe (path {2}), {3:0.#} GB/s per direction at the links' maximum generation and width",
                link.DeviceIndex, link.PeerIndex, link.Path, rate));
        }

        private static double? Pcie(CudaDevice? d)
        {
            int? gen = d?.PcieMaxGeneration ?? d?.PcieGeneration, width = d?.PcieMaxLinkWidth ?? d?.PcieLinkWidth;
            if (gen == null || width == null) return null;
            return TheoreticalBandwidth.PcieLaneGBps(gen.Value) * width.Value;
        }

        private static IEnumerable<string> Causes(ReadableDictionary environment, List<GpuTopologyLink> pairs,
            IReadOnlyList<CudaDevice> devices)
        {
            if (environment.TryGetValue("NCCL_P2P_DISABLE", out string? p2p) && p2p == "1")
                yield return "peer-to-peer disabled by NCCL_P2P_DISABLE=1 (traffic goes through host memory)";
            foreach (string forced in new[] { "NCCL_ALGO", "NCCL_PROTO", "NCCL_P2P_LEVEL", "NCCL_SHM_DISABLE", "NCCL_MAX_NCHANNELS" })
            {
                if (environment.TryGetValue(forced, out string? value)) yield return $"{forced}={value} overrides NCCL's own choice";
            }

            foreach (GpuTopologyLink link in pairs.Where(l => l.DeviceIndex < l.PeerIndex))
            {
                if (link.NvLinkCount == 0 && link.PcieAncestor == PcieAncestor.SYS)
                    yield return $"GPU {link.DeviceIndex} - GPU {link.PeerIndex} cross the CPU sockets "
                        + "(path SYS: the NUMA interconnect carries the traffic)";
                if (link.PeerRead is PeerAccess read && read != PeerAccess.OK)
                    yield return $"no peer-to-peer between GPU {link.DeviceIndex} and GPU {link.PeerIndex} (NVML: {link.P2PRead})";
            }

            if (pairs.All(l => l.NvLinkCount == 0))
            {
                foreach (CudaDevice d in devices)
                {
                    if ((d.PcieGeneration < d.PcieMaxGeneration) || (d.PcieLinkWidth < d.PcieMaxLinkWidth))
                        yield return $"GPU {d.Index}'s PCIe link runs at Gen{d.PcieGeneration} x{d.PcieLinkWidth} below its maximum "
                            + $"Gen{d.PcieMaxGeneration} x{d.PcieMaxLinkWidth} (down-trained, or power saving when idle)";
                }
            }
        }
    }
}
