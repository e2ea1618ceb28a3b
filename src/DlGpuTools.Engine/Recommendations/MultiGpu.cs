using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>What n cards of one kind give, as a multiple of one card, and why.</summary>
    internal sealed class MultiGpuScaling
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

        /// <summary>Throughput of all the cards as a multiple of one card (for a layer split: of one card holding the whole
        /// model).</summary>
        public double Factor { get; }

        public double AddedCardShare { get; }

        /// <summary>The measurement the factor comes from, with its source.</summary>
        public string Basis { get; }

        public string Describe() => Gpus <= 1
            ? "one card"
            : string.Format(CultureInfo.InvariantCulture, "x {0:0.##} for {1} cards, {2} over {3} ({4})", Factor, Gpus, UseName(Use), Link,
                Basis);

        public static string UseName(ParallelUse use) =>
            use == ParallelUse.DataParallel ? "data-parallel training" : use == ParallelUse.TensorParallel
                ? "tensor parallelism" : "layer split";
    }

    /// <summary>
    /// Several cards of one kind in one machine: the counts that work, what links them, and which use an engine makes of
    /// them; how each use scales is ScalingModel's.
    /// Tensor parallelism needs a count that divides the attention heads (vLLM refuses others), so 1, 2, 4 or 8 cards.
    /// NVLink bridges join two cards only; NVSwitch exists only on SXM/HGX boards; GeForce RTX 40 and 50 cards have
    /// no peer-to-peer copies, so their all-reduces go through host memory.
    /// </summary>
    internal static class MultiGpu
    {
        public static readonly int[] Counts = { 1, 2, 4, 8 };

        /// <summary>The link n cards of this kind have, in words; null for one card.</summary>
        public static string? LinkName(GpuSpec card, int gpus)
        {
            if (gpus <= 1) return null;
            switch (card.GpuInterconnect)
            {
                case GpuInterconnect.NvSwitch: return "NVSwitch";
                case GpuInterconnect.InfinityFabric: return "Infinity Fabric";
                case GpuInterconnect.NvLinkBridgePair: return gpus == 2 ? "NVLink pair" : "NVLink pairs + PCIe";
                default: return card.PeerToPeer ? "PCIe" : "PCIe (no P2P)";
            }
        }

        /// <summary>Whether all n cards reach each other over a switched fabric (NVSwitch or AMD's OAM board).</summary>
        public static bool Switched(GpuSpec card) => card.GpuInterconnect == GpuInterconnect.NvSwitch
            || card.GpuInterconnect == GpuInterconnect.InfinityFabric;

        /// <summary>The use an engine makes of several cards for serving.</summary>
        public static ParallelUse ServingUse(InferenceEngine engine) => engine == InferenceEngine.LlamaCpp
            ? ParallelUse.LayerSplit : ParallelUse.TensorParallel;

        /// <summary>The engine people run on a card when the user names none: vLLM on data-centre cards and rentals, llama.cpp at
        /// home.</summary>
        public static InferenceEngine DefaultEngine(GpuSpec card, bool rented) =>
            rented || card.CardSegment == CardSegment.Datacenter
                || card.GpuFormFactor == GpuFormFactor.Sxm ? InferenceEngine.Vllm : InferenceEngine.LlamaCpp;

        /// <summary>What <paramref name="gpus"/> cards give for this use, from the one scaling model (ScalingModel), with its
        /// basis.</summary>
        public static MultiGpuScaling Scaling(GpuSpec card, int gpus, ParallelUse use, Workload workload)
        {
            if (gpus <= 1) return new MultiGpuScaling(1, use, null, 1, 0, "one card");
            return new MultiGpuScaling(gpus, use, LinkName(card, gpus), ScalingModel.Speedup(card, gpus, use, workload),
                use == ParallelUse.LayerSplit ? 0 : ScalingModel.AddedCardShare(card, gpus, use, workload), ScalingModel.Basis(card, gpus,
                    use, workload));
        }
    }
}
