using System;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// What each architecture gets out of its datasheet figures, fitted to published measurements (ModelCheckTests
    /// lists them with their sources). Two principles, one number each per architecture:
    /// <list type="bullet">
    /// <item>Tensor math is capped by power: a card sustains at most <see cref="TflopsPerWatt"/> x its board power,
    /// whatever its datasheet peak (a 300 W RTX 6000 Ada trains BERT-large below a 450 W RTX 4090).</item>
    /// <item>Memory traffic runs at the datasheet bandwidth times <see cref="BandwidthFactor"/>: above 1 where a large
    /// L2 cache (Ada: 48-96 MB) absorbs traffic, below 1 where HBM parts are held back by other limits.</item>
    /// </list>
    /// Architectures without published measurements keep the reference (Ampere GeForce) behaviour and say so.
    /// </summary>
    public sealed class ArchitectureFit
    {
        private ArchitectureFit(string key, double tflopsPerWatt, double bandwidthFactor, double decodeBandwidthFactor, bool fitted)
        {
            Key = key;
            TflopsPerWatt = tflopsPerWatt;
            BandwidthFactor = bandwidthFactor;
            DecodeBandwidthFactor = decodeBandwidthFactor;
            Fitted = fitted;
        }

        /// <summary>Ampere, AmpereDC (GA100), Ada, Hopper, Blackwell (GB100), Turing, Volta, Unified, or Other.</summary>
        public string Key { get; }

        /// <summary>Sustained dense tensor TFLOPS per watt of board power at most.</summary>
        public double TflopsPerWatt { get; }

        /// <summary>Effective bandwidth over datasheet bandwidth in training steps.</summary>
        public double BandwidthFactor { get; }

        /// <summary>Effective bandwidth over datasheet bandwidth when llama.cpp streams weights for one token.</summary>
        public double DecodeBandwidthFactor { get; }

        /// <summary>False where no published measurement of the architecture was available: the reference values stand in.</summary>
        public bool Fitted { get; }

        // Training values: Lambda's FP16 single-GPU throughputs (ResNet-50, BERT-large, 2023 file and v2 file).
        // Decode values: llama.cpp LLaMA 3 8B/70B tokens/s (XiongjieDai, 2024-05). Reference: Ampere GeForce = 1.
        private static readonly ArchitectureFit Ampere = new ArchitectureFit("Ampere", 0.405, 1.0, 1.0, true);
        private static readonly ArchitectureFit AmpereDc = new ArchitectureFit("AmpereDC", 0.94, 0.811, 0.605, true);
        private static readonly ArchitectureFit Ada = new ArchitectureFit("Ada", 0.389, 1.243, 1.07, true);
        private static readonly ArchitectureFit Hopper = new ArchitectureFit("Hopper", 1.175, 1.036, 0.688, true);
        private static readonly ArchitectureFit BlackwellDc = new ArchitectureFit("Blackwell", 20, 0.645, 0.688, true);
        private static readonly ArchitectureFit Turing = new ArchitectureFit("Turing", 0.332, 0.796, 1.0, true);
        private static readonly ArchitectureFit Volta = new ArchitectureFit("Volta", 0.31, 0.826, 0.605, true);
        private static readonly ArchitectureFit Unified = new ArchitectureFit("Unified", 20, 1.0, 0.959, true);
        private static readonly ArchitectureFit Other = new ArchitectureFit("Other", 20, 1.0, 1.0, false);

        public static ArchitectureFit For(GpuSpec card)
        {
            if (card.GpuFormFactor == GpuFormFactor.UnifiedMemory) return Unified;
            bool hbm = (card.MemoryType ?? string.Empty).StartsWith("HBM", StringComparison.OrdinalIgnoreCase);
            switch (card.Architecture)
            {
                case "Ampere": return hbm ? AmpereDc : Ampere;
                case "Ada Lovelace": return Ada;
                case "Hopper": return Hopper;
                // GeForce/RTX PRO Blackwell: no published training pairs; Ada's GDDR values stand in
                case "Blackwell": return hbm ? BlackwellDc : Ada;
                case "Turing": return Turing;
                case "Volta": return Volta;
                default: return Other;
            }
        }
    }
}
