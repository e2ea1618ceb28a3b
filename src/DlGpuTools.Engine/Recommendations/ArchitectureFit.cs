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
    internal sealed class ArchitectureFit
    {
        private ArchitectureFit(string key, double tflopsPerWatt, double bandwidthFactor, double decodeBandwidthFactor, bool fitted,
            PrefillFit prefill)
        {
            Prefill = prefill;
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

        /// <summary>How llama.cpp's prompt processing uses the tensor cores (see <see cref="PrefillFit"/>).</summary>
        public PrefillFit Prefill { get; }

        /// <summary>False where no published measurement of the architecture was available: the reference values stand in.</summary>
        public bool Fitted { get; }

        // Training values: Lambda's FP16 single-GPU throughputs (ResNet-50, BERT-large, 2023 file and v2 file).
        // Decode values: llama.cpp LLaMA 3 8B/70B tokens/s (XiongjieDai, 2024-05). Reference: Ampere GeForce = 1.
        // Prefill values: llama.cpp pp512 tokens/s of LLaMA 3 8B (Q4_K_M, F16) and 70B Q4_K_M (XiongjieDai, 2024-05), the same
        // cards as the decode fit. Data-centre Blackwell borrows Hopper's values; Turing and Volta borrow the reference efficiency with
        // their own training power cap (a 70 W T4 cannot sustain its 65 TFLOPS); none of their pp512 was fitted.
        private static readonly PrefillFit AmperePrefill = new PrefillFit(1.0, null, true);
        private static readonly PrefillFit AdaPrefill = new PrefillFit(1.692, 0.408, true);
        private static readonly PrefillFit AmpereDcPrefill = new PrefillFit(0.725, null, true);
        private static readonly PrefillFit HopperPrefill = new PrefillFit(1.29, 0.719, true);
        private static readonly PrefillFit UnifiedPrefill = new PrefillFit(1.378, null, true);
        private static readonly PrefillFit BorrowedHopperPrefill = new PrefillFit(1.29, 0.719, false);
        private static readonly PrefillFit ReferencePrefill = new PrefillFit(1.0, null, false);
        private static readonly PrefillFit TuringPrefill = new PrefillFit(1.0, 0.332, false);
        private static readonly PrefillFit VoltaPrefill = new PrefillFit(1.0, 0.31, false);

        private static readonly ArchitectureFit Ampere = new ArchitectureFit("Ampere", 0.405, 1.0, 1.0, true, AmperePrefill);
        private static readonly ArchitectureFit AmpereDc = new ArchitectureFit("AmpereDC", 0.94, 0.811, 0.605, true, AmpereDcPrefill);
        private static readonly ArchitectureFit Ada = new ArchitectureFit("Ada", 0.389, 1.243, 1.07, true, AdaPrefill);
        private static readonly ArchitectureFit Hopper = new ArchitectureFit("Hopper", 1.175, 1.036, 0.688, true, HopperPrefill);
        private static readonly ArchitectureFit BlackwellDc = new ArchitectureFit("Blackwell", 20, 0.645, 0.688,
            true, BorrowedHopperPrefill);
        private static readonly ArchitectureFit Turing = new ArchitectureFit("Turing", 0.332, 0.796, 1.0, true, TuringPrefill);
        private static readonly ArchitectureFit Volta = new ArchitectureFit("Volta", 0.31, 0.826, 0.605, true, VoltaPrefill);
        private static readonly ArchitectureFit Unified = new ArchitectureFit("Unified", 20, 1.0, 0.959, true, UnifiedPrefill);
        private static readonly ArchitectureFit Other = new ArchitectureFit("Other", 20, 1.0, 1.0, false, ReferencePrefill);

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
