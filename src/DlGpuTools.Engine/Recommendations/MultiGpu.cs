using System;
using System.Linq;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Several cards of one kind in one machine: the counts that work, how their link scales, and what they
    /// draw. Tensor parallelism needs a count that divides the attention heads (vLLM refuses others), so
    /// 1, 2, 4 or 8 cards.
    /// </summary>
    public static class MultiGpu
    {
        public static readonly int[] Counts = { 1, 2, 4, 8 };

        /// <summary>
        /// Speed of each added card, as a share of the first: 2x RTX 4090 over PCIe ran BERT-large at 1.49x one
        /// card, 2x H100 SXM over NVLink at 1.97x (Lambda's measured throughputs, https://github.com/lambdal/deeplearning-benchmark).
        /// </summary>
        public const double PcieAddedCardShare = 0.49;

        public const double NvLinkAddedCardShare = 0.97;

        /// <summary>
        /// True for cards that link by NVLink: SXM/HGX modules, NVL pairs, GH200, and the PCIe cards with a
        /// bridge (RTX 3090/3090 Ti, Titan RTX, RTX 2080 Ti, RTX A5000/A6000, A40, A100 PCIe). GeForce cards
        /// from the RTX 40 series on and the RTX PRO 6000 have none.
        /// </summary>
        public static bool HasNvLink(GpuSpec card)
        {
            string n = card.Name;
            string[] bridged = { "RTX 3090", "Titan RTX", "RTX 2080 Ti", "RTX A5000", "RTX A6000", "A40", "A100 40GB PCIe", "A100 80GB PCIe", "H100 NVL" };
            return n.IndexOf("SXM", StringComparison.OrdinalIgnoreCase) >= 0 || n.IndexOf("HGX", StringComparison.OrdinalIgnoreCase) >= 0
                   || n.IndexOf("GH200", StringComparison.OrdinalIgnoreCase) >= 0
                   || bridged.Any(b => n.EndsWith(b, StringComparison.OrdinalIgnoreCase) || n.IndexOf(b + " ", StringComparison.OrdinalIgnoreCase) >= 0);
        }

        /// <summary>Throughput of n cards as a multiple of one.</summary>
        public static double Scaling(int gpus, bool nvLink) => 1 + (gpus - 1) * (nvLink ? NvLinkAddedCardShare : PcieAddedCardShare);
    }
}
