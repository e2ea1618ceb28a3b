using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The one model of multi-GPU scaling: the throughput of n cards of one kind as a multiple of one card, by how
    /// the job is split (ParallelUse) and the slowest link between the cards. NVLink bridges join pairs only, so beyond
    /// two bridged cards the slowest hop is PCIe; NVSwitch exists only on SXM/HGX boards; GeForce RTX 40 and 50 cards
    /// have no peer-to-peer copies. Every factor comes from published measurements; ModelCheckTests holds the
    /// data-parallel and layer-split ones to Lambda's and XiongjieDai's tables.
    /// </summary>
    internal static class ScalingModel
    {
        /// <summary>The RMS error of the scaling factors on the published multi-GPU measurements.</summary>
        public const double Band = 0.10;

        /// <summary>
        /// Data-parallel training of vision models, any link: they all-reduce few weights. Lambda 2023: 2x RTX 3090 ran
        /// ResNet-50 at 1.93x one card, 2x RTX 4090 at 1.90x, 8x H100 SXM5 at 7.92x.
        /// </summary>
        public const double DataParallelVisionShare = 0.96;

        /// <summary>
        /// Data-parallel transformer training over NVSwitch: 8x A100 SXM4 ran BERT-large at 7.53x one (Lambda 2022),
        /// 8x H100 SXM5 at 7.20x.
        /// </summary>
        public const double DataParallelNvSwitchShare = 0.95;

        /// <summary>
        /// With peer-to-peer (PCIe P2P or an NVLink pair): BERT-large on 2x RTX 3090 1.71x one card, 2x RTX A6000 1.74x,
        /// 2x H100 PCIe 1.95x (Lambda 2023).
        /// </summary>
        public const double DataParallelPeerShare = 0.85;

        /// <summary>Without peer-to-peer (GeForce RTX 40/50): 2x RTX 4090 ran BERT-large at 1.49x one card (Lambda 2023).</summary>
        public const double DataParallelNoPeerShare = 0.5;

        /// <summary>
        /// Tensor-parallel single-stream decode over PCIe: 4x RTX 3090 Ti on PCIe 4.0 x16 served Llama 3.1 70B AWQ at 30 tok/s
        /// with TP=2 and 46 tok/s with TP=4 (vLLM 0.5.3, https://github.com/vllm-project/vllm/issues/6955, 2024-07-30):
        /// (1 + 3a) / (1 + a) = 46/30 gives a = 0.36 of a card for each added card. NVLink bridges add little to it: four
        /// 3090s decoded 76.9 tok/s with two bridges and 75.4 without (https://ollama.linkworksinc.com/posts/vllm-tp4-3090-benchmark,
        /// 2026-04-25). No published measurement separates cards without peer-to-peer; they get the same share.
        /// </summary>
        public const double TensorParallelPcieShare = 0.36;

        /// <summary>
        /// Tensor-parallel decode over NVSwitch: on an HGX H200, Llama 3.1 405B at minimum latency ran 5.6x faster with TP=8
        /// than with an 8-way pipeline (NVIDIA technical blog, "Boosting Llama 3.1 405B Throughput by Another 1.5x on NVIDIA H200
        /// Tensor Core GPUs and NVLink Switch", 2024-10-09, on developer.nvidia.com/blog);
        /// a pipeline streams one token at one card's speed, so 1 + 7a = 5.6 gives a = 0.66.
        /// </summary>
        public const double TensorParallelNvSwitchShare = 0.66;

        /// <summary>
        /// A layer split gives one stream no speed-up: 2x RTX 3090 ran Llama 3 8B Q4_K_M at 111.7 tok/s against 115.4 on one
        /// card (0.97x), and 4x 3090 ran 70B at 1.03x two (XiongjieDai, GPU-Benchmarks-on-LLM-Inference,
        /// https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference). It only adds memory.
        /// </summary>
        public const double LayerSplitFactor = 0.97;

        /// <summary>
        /// The band of an estimate for <paramref name="gpus"/> cards: the one-card band, and for a set the scaling band
        /// with it (independent errors add in quadrature), as text ("±14%").
        /// </summary>
        public static string BandText(double oneCardBand, int gpus)
        {
            double band = gpus > 1 ? System.Math.Sqrt(oneCardBand * oneCardBand + Band * Band) : oneCardBand;
            return "±" + System.Math.Round(band * 100).ToString(CultureInfo.InvariantCulture) + "%";
        }

        /// <summary>The multiple of one card's throughput that <paramref name="gpus"/> cards give.</summary>
        public static double Speedup(GpuSpec card, int gpus, ParallelUse use, Workload workload = Workload.NLP)
        {
            if (gpus <= 1) return 1;
            double added = AddedCardShare(card, gpus, use, workload);
            return use == ParallelUse.LayerSplit ? added : 1 + (gpus - 1) * added;
        }

        /// <summary>
        /// For data and tensor parallelism, what each added card contributes as a share of the first; for a layer
        /// split, the whole set's speed as a share of one card (the cards take turns on one stream).
        /// </summary>
        public static double AddedCardShare(GpuSpec card, int gpus, ParallelUse use, Workload workload = Workload.NLP)
        {
            Link link = LinkFor(card, gpus);
            switch (use)
            {
                case ParallelUse.LayerSplit:
                    return LayerSplitFactor;
                case ParallelUse.TensorParallel:
                    return link == Link.Switched ? TensorParallelNvSwitchShare : TensorParallelPcieShare;
                default:
                    if (Vision(workload)) return DataParallelVisionShare;
                    if (link == Link.Switched) return DataParallelNvSwitchShare;
                    return link == Link.NvLinkPair || link == Link.PciePeer ? DataParallelPeerShare : DataParallelNoPeerShare;
            }
        }

        /// <summary>The measurement behind the factor for these cards and this use, with its source.</summary>
        public static string Basis(GpuSpec card, int gpus, ParallelUse use, Workload workload = Workload.NLP)
        {
            if (gpus <= 1) return "one card";
            Link link = LinkFor(card, gpus);
            switch (use)
            {
                case ParallelUse.LayerSplit:
                    return "one stream visits the cards in turn: 2x RTX 3090 ran 8B at 0.97x one card, "
                           + "XiongjieDai GPU-Benchmarks-on-LLM-Inference";
                case ParallelUse.TensorParallel:
                    return link == Link.Switched
                        ? "each added card 0.66 of one: 405B TP=8 5.6x an 8-way pipeline on HGX H200, NVIDIA blog 2024-10-09"
                        : "each added card 0.36 of one: 70B TP=2 30 tok/s, TP=4 46 tok/s on 3090 Ti, vllm-project/vllm#6955";
                default:
                    double share = AddedCardShare(card, gpus, use, workload);
                    string why = Vision(workload) ? "2x RTX 3090 1.93x one on ResNet-50"
                        : link == Link.Switched ? "8x A100 SXM4 7.53x one on BERT-large"
                        : share == DataParallelPeerShare ? "2x RTX 3090 1.71x, 2x RTX A6000 1.74x one on BERT-large"
                        : "2x RTX 4090 (no P2P) 1.49x one on BERT-large";
                    return string.Format(CultureInfo.InvariantCulture,
                        "each added card {0:0.##} of one: {1}, Lambda deeplearning-benchmark", share, why);
            }
        }

        /// <summary>The slowest hop between <paramref name="gpus"/> cards of this kind.</summary>
        public static string LinkName(GpuSpec card, int gpus) => LinkFor(card, gpus).ToString();

        private static bool Vision(Workload workload) =>
            workload == Workload.ComputerVision || workload == Workload.Learning;

        private enum Link
        {
            PcieNoPeer,
            PciePeer,
            NvLinkPair,
            Switched,
        }

        private static Link LinkFor(GpuSpec card, int gpus)
        {
            if (card.GpuInterconnect == GpuInterconnect.NvSwitch || card.GpuInterconnect == GpuInterconnect.InfinityFabric)
                return Link.Switched;
            if (card.GpuInterconnect == GpuInterconnect.NvLinkBridgePair && gpus == 2) return Link.NvLinkPair;
            return card.PeerToPeer ? Link.PciePeer : Link.PcieNoPeer;
        }
    }
}
