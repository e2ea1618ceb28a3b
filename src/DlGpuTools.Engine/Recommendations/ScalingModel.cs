using System;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Throughput of n cards of one kind as a multiple of one card, by how the job is split and how the cards
    /// link. NVLink bridges join pairs only: beyond two cards the slowest hop is PCIe. Fitted to Lambda's
    /// multi-GPU training throughputs and llama.cpp's layer-split decode (ModelCheckTests lists them).
    /// </summary>
    public static class ScalingModel
    {
        /// <summary>The RMS error of the scaling factors on the published multi-GPU measurements.</summary>
        public const double Band = 0.10;

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
                    return 0.97;
                case ParallelUse.TensorParallel:
                    return link == Link.NvSwitch ? 0.9 : link == Link.NvLinkPair ? 0.85 : link == Link.PciePeer ? 0.7 : 0.55;
                default:
                    // Vision models have few weights to all-reduce: ~0.96 a card on any link (Lambda, ResNet-50).
                    // Transformers all-reduce far more: BERT-large 2x RTX 4090 (no peer-to-peer) ran 1.49x one card, 2x RTX 3090 1.71-1.81x.
                    if (workload == Workload.ComputerVision || workload == Workload.Learning) return 0.96;
                    return link == Link.NvSwitch ? 0.95 : link == Link.NvLinkPair || link == Link.PciePeer ? 0.85 : 0.5;
            }
        }

        /// <summary>The slowest hop between <paramref name="gpus"/> cards of this kind.</summary>
        public static string LinkName(GpuSpec card, int gpus) => LinkFor(card, gpus).ToString();

        private enum Link
        {
            PcieNoPeer,
            PciePeer,
            NvLinkPair,
            NvSwitch,
        }

        private static Link LinkFor(GpuSpec card, int gpus)
        {
            if (card.Interconnect == GpuInterconnect.NvSwitch || card.Interconnect == GpuInterconnect.InfinityFabric) return Link.NvSwitch;
            if (card.Interconnect == GpuInterconnect.NvLinkBridgePair && gpus == 2) return Link.NvLinkPair;
            return card.PeerToPeer ? Link.PciePeer : Link.PcieNoPeer;
        }
    }
}
