using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>What n cards of one kind give, as a multiple of one card, and why.</summary>
    public sealed class MultiGpuScaling
    {
        public MultiGpuScaling(int gpus, ParallelUse use, string? link, double factor, double addedCardShare, string basis)
        {
            Gpus = gpus;
            Use = use;
            Link = link;
            Factor = factor;
            AddedCardShare = addedCardShare;
            Basis = basis;
        }

        public int Gpus { get; }

        public ParallelUse Use { get; }

        /// <summary>NVSwitch, NVLink pair, NVLink pairs + PCIe, PCIe, or PCIe (no P2P); null for one card.</summary>
        public string? Link { get; }

        /// <summary>Throughput of all the cards as a multiple of one card (for a layer split: of one card holding the whole model).</summary>
        public double Factor { get; }

        public double AddedCardShare { get; }

        /// <summary>The measurement the factor comes from, with its source.</summary>
        public string Basis { get; }

        public string Describe() => Gpus <= 1
            ? "one card"
            : string.Format(CultureInfo.InvariantCulture, "x {0:0.##} for {1} cards, {2} over {3} ({4})", Factor, Gpus, UseName(Use), Link, Basis);

        public static string UseName(ParallelUse use) =>
            use == ParallelUse.DataParallel ? "data-parallel training" : use == ParallelUse.TensorParallel ? "tensor parallelism" : "layer split";
    }

    /// <summary>
    /// Several cards of one kind in one machine: the counts that work, what links them, and how each use scales.
    /// Tensor parallelism needs a count that divides the attention heads (vLLM refuses others), so 1, 2, 4 or 8 cards.
    /// NVLink bridges join two cards only; NVSwitch exists only on SXM/HGX boards; GeForce RTX 40 and 50 cards have
    /// no peer-to-peer copies, so their all-reduces go through host memory.
    /// </summary>
    public static class MultiGpu
    {
        public static readonly int[] Counts = { 1, 2, 4, 8 };

        /// <summary>
        /// Data-parallel training, each added card with peer-to-peer (PCIe P2P or NVLink pairs): 2x RTX 3090 ran ResNet-50 at
        /// 1.94x one card, 2x RTX A6000 at 1.94x; 8x A100 PCIe at 7.45x (0.92 a card).
        /// </summary>
        public const double DataParallelPeerShare = 0.94;

        /// <summary>Without peer-to-peer (GeForce RTX 40/50): 2x RTX 4090 ran BERT-large at 1.49x one card.</summary>
        public const double DataParallelNoPeerShare = 0.49;

        /// <summary>Over NVSwitch (HGX): 2x H100 SXM ran BERT-large at 1.97x one card.</summary>
        public const double DataParallelNvSwitchShare = 0.97;

        /// <summary>Lambda's measured multi-GPU training throughputs, read 2025-12-17.</summary>
        public const string LambdaSource = "Lambda, github.com/lambdal/deeplearning-benchmark, pytorch-train-throughput-fp16.csv";

        /// <summary>
        /// Tensor-parallel single-stream decode over PCIe: 4x RTX 3090 Ti on PCIe 4.0 x16 served Llama 3.1 70B AWQ at 30 tok/s
        /// with TP=2 and 46 tok/s with TP=4 (vLLM 0.5.3, https://github.com/vllm-project/vllm/issues/6955, 2024-07-30):
        /// (1 + 3a) / (1 + a) = 46/30 gives a = 0.36 of a card for each added card. NVLink bridges add little to it: four
        /// 3090s decoded 76.9 tok/s with two bridges and 75.4 without (https://ollama.linkworksinc.com/posts/vllm-tp4-3090-benchmark, 2026-04-25).
        /// </summary>
        public const double TensorParallelPcieShare = 0.36;

        /// <summary>
        /// Tensor-parallel decode over NVSwitch: on an HGX H200, Llama 3.1 405B at minimum latency ran 5.6x faster with TP=8
        /// than with an 8-way pipeline (NVIDIA technical blog, 2024-10-09, https://developer.nvidia.com/blog/boosting-llama-3-1-405b-throughput-by-another-1-5x-on-nvidia-h200-tensor-core-gpus-and-nvlink-switch/);
        /// a pipeline streams one token at one card's speed, so 1 + 7a = 5.6 gives a = 0.66.
        /// </summary>
        public const double TensorParallelNvSwitchShare = 0.66;

        /// <summary>
        /// A layer split gives one stream no speed-up: 2x RTX 3090 ran Llama 3 8B Q4_K_M at 111.7 tok/s against 115.4 on one
        /// card (0.97x), and 4x 3090 ran 70B at 1.03x two (XiongjieDai, GPU-Benchmarks-on-LLM-Inference,
        /// https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference). It only adds memory.
        /// </summary>
        public const double LayerSplitFactor = 0.97;

        /// <summary>The link n cards of this kind have, in words; null for one card.</summary>
        public static string? LinkName(GpuSpec card, int gpus)
        {
            if (gpus <= 1) return null;
            switch (card.Interconnect)
            {
                case GpuInterconnect.NvSwitch: return "NVSwitch";
                case GpuInterconnect.InfinityFabric: return "Infinity Fabric";
                case GpuInterconnect.NvLinkBridgePair: return gpus == 2 ? "NVLink pair" : "NVLink pairs + PCIe";
                default: return card.PeerToPeer ? "PCIe" : "PCIe (no P2P)";
            }
        }

        /// <summary>Whether all n cards reach each other over a switched fabric (NVSwitch or AMD's OAM board).</summary>
        public static bool Switched(GpuSpec card) => card.Interconnect == GpuInterconnect.NvSwitch || card.Interconnect == GpuInterconnect.InfinityFabric;

        /// <summary>The use an engine makes of several cards for serving.</summary>
        public static ParallelUse ServingUse(InferenceEngine engine) => engine == InferenceEngine.LlamaCpp ? ParallelUse.LayerSplit : ParallelUse.TensorParallel;

        /// <summary>The engine people run on a card when the user names none: vLLM on data-centre cards and rentals, llama.cpp at home.</summary>
        public static InferenceEngine DefaultEngine(GpuSpec card, bool rented) =>
            rented || card.Segment == "datacenter" || card.FormFactor == GpuFormFactor.Sxm ? InferenceEngine.Vllm : InferenceEngine.LlamaCpp;

        public static string EngineName(InferenceEngine engine) =>
            engine == InferenceEngine.LlamaCpp ? "llama.cpp" : engine == InferenceEngine.Vllm ? "vLLM" : "TensorRT-LLM";

        public static MultiGpuScaling Scaling(GpuSpec card, int gpus, ParallelUse use)
        {
            string? link = LinkName(card, gpus);
            if (gpus <= 1) return new MultiGpuScaling(1, use, null, 1, 0, "one card");
            switch (use)
            {
                case ParallelUse.LayerSplit:
                    return new MultiGpuScaling(gpus, use, link, LayerSplitFactor, 0,
                        "one stream visits the cards in turn: 2x RTX 3090 ran 8B at 0.97x one card, XiongjieDai GPU-Benchmarks-on-LLM-Inference");
                case ParallelUse.TensorParallel:
                    bool fabric = Switched(card);
                    double tp = fabric ? TensorParallelNvSwitchShare : TensorParallelPcieShare;
                    return new MultiGpuScaling(gpus, use, link, 1 + (gpus - 1) * tp, tp, fabric
                        ? "each added card 0.66 of one: 405B TP=8 5.6x an 8-way pipeline on HGX H200, NVIDIA blog 2024-10-09"
                        : "each added card 0.36 of one: 70B TP=2 30 tok/s, TP=4 46 tok/s on 3090 Ti, vllm-project/vllm#6955");
                default:
                    double dp = Switched(card) ? DataParallelNvSwitchShare : card.PeerToPeer || card.Interconnect == GpuInterconnect.NvLinkBridgePair ? DataParallelPeerShare : DataParallelNoPeerShare;
                    string why = Switched(card) ? "2x H100 SXM 1.97x one" : dp == DataParallelPeerShare ? "2x RTX 3090 and 2x RTX A6000 1.94x one" : "2x RTX 4090 (no P2P) 1.49x one on BERT-large";
                    return new MultiGpuScaling(gpus, use, link, 1 + (gpus - 1) * dp, dp,
                        string.Format(CultureInfo.InvariantCulture, "each added card {0:0.##} of one: {1}, Lambda deeplearning-benchmark", dp, why));
            }
        }
    }
}
