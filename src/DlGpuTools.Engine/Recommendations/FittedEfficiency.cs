using System;

namespace DlGpuTools.Recommendations
{
    /// <summary>Card classes the fitted efficiencies differ by: how the memory is built decides how close decode gets to the datasheet
    /// bandwidth.</summary>
    internal enum CardClass
    {
        /// <summary>GDDR cards (GeForce, RTX workstation, L4/L40S-class data-centre cards).</summary>
        Gddr,

        /// <summary>HBM data-centre parts (V100, A100, H100, H200, B200, MI300X).</summary>
        Hbm,

        /// <summary>Unified-memory machines (Apple M-series, Strix Halo, DGX Spark).</summary>
        Unified,
    }

    internal static class CardClasses
    {
        public static CardClass Of(GpuSpec card)
        {
            if (card.GpuFormFactor == GpuFormFactor.UnifiedMemory) return CardClass.Unified;
            return (card.MemoryType ?? string.Empty).StartsWith("HBM", StringComparison.OrdinalIgnoreCase) ? CardClass.Hbm : CardClass.Gddr;
        }
    }

    /// <summary>
    /// Decode: llama.cpp reads a token's bytes at 0.864 x the datasheet bandwidth x the architecture's decode factor,
    /// plus 2.49 ms a token that no bandwidth shortens (fitted to LLaMA 3 8B Q4_K_M, 8B F16 and 70B Q4_K_M tokens/s of
    /// 10 cards; held back: 7 others). vLLM and TensorRT-LLM use CUDA graphs and fused kernels: their fixed cost is taken
    /// as 1 ms, an assumption, not a fit.
    /// </summary>
    internal readonly struct FittedDecode
    {
        public const double Band = 0.10;

        public const string Basis
            = "llama.cpp LLaMA 3 tokens/s of 17 GPUs, https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference (2024-05)";

        private FittedDecode(double efficiency, double fixedSeconds)
        {
            Efficiency = efficiency;
            FixedSeconds = fixedSeconds;
        }

        /// <summary>Share of the datasheet bandwidth the engine reads weights at.</summary>
        public double Efficiency { get; }

        /// <summary>Per-token cost that does not shrink with bandwidth.</summary>
        public double FixedSeconds { get; }

        public static FittedDecode For(GpuSpec card, InferenceEngine engine)
        {
            double efficiency = 0.864 * ArchitectureFit.For(card).DecodeBandwidthFactor;
            double fixedMs = engine == InferenceEngine.LlamaCpp ? 2.49 : 1.0;
            return new FittedDecode(efficiency, fixedMs / 1e3);
        }
    }

    /// <summary>
    /// Prefill (prompt processing), fitted to llama.cpp pp512 tokens/s of LLaMA 3 8B Q4_K_M and F16 and 70B Q4_K_M on 9 cards
    /// (held back: 7 others; ModelCheckTests lists both sets). On the reference RTX 3090 llama.cpp reaches 0.503 of the FP16
    /// tensor rate with FP16 accumulation (142 TFLOPS); per-architecture efficiencies and power caps are in
    /// <see cref="PrefillFit"/>. Weights below 16 bits are dequantised before the matrix math: that step costs 0.1125 of the
    /// reference card's compute time and is taken to scale with memory bandwidth, which is why a quantised model gains less
    /// than its FLOPs suggest on cards with fast tensor cores (H100, A100, RTX 4090).
    /// </summary>
    internal static class FittedPrefill
    {
        public const double Band = 0.10;

        public const string Basis = "llama.cpp pp512 tokens/s of 17 GPUs, "
            + "https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference (2024-05)";

        /// <summary>Share of the reference card's FP16-accumulate tensor rate llama.cpp reaches in prefill.</summary>
        public const double ReferenceEfficiency = 0.503;

        /// <summary>The reference card's FP16 tensor rate with FP16 accumulation (RTX 3090: 2 x 71 TFLOPS).</summary>
        public const double ReferenceTflops = 142;

        /// <summary>Time spent dequantising weights stored below 16 bits, over the reference card's compute time.</summary>
        public const double DequantiseShare = 0.1125;

        /// <summary>vLLM and TensorRT-LLM: an assumed share of the dense tensor rate (no published pairs fitted).</summary>
        public const double ServingEngineEfficiency = 0.55;

        public static bool IsQuantised(ModelPrecision precision)
            => precision != ModelPrecision.FP16 && precision != ModelPrecision.BF16 && precision != ModelPrecision.FP32
                && precision != ModelPrecision.TF32;

        /// <summary>
        /// The tensor rate prefill's half-precision GEMM runs at: the datasheet FP16 figure, doubled on GeForce cards, whose
        /// datasheet figure is the half-rate FP32-accumulate one; the FP32 rate where a card has no tensor cores.
        /// </summary>
        public static (string Label, double? Tflops) TensorInput(GpuSpec card)
        {
            if (card.Fp16TensorTflops is not double fp16) return ("FP32", card.Fp32Tflops);
            bool halfRateAccumulate = string.Equals(card.Vendor, "NVIDIA", StringComparison.Ordinal)
                && card.CardSegment == CardSegment.Consumer;
            return halfRateAccumulate ? ("FP16 (FP16 accumulate)", 2 * fp16) : ("FP16", fp16);
        }
    }

    /// <summary>Model FLOPs utilisation in training per card class, fitted to published large-model runs.</summary>
    internal static class FittedTraining
    {
        public const double Band = 0.15;

        public const string Basis
            = "Narayanan et al., Efficient Large-Scale Language Model Training on GPU Clusters, https://arxiv.org/abs/2104.04473 (2021); "
                + "Llama 3 Herd of Models, https://arxiv.org/abs/2407.21783 (2024)";

        public static double Mfu(GpuSpec card) => CardClasses.Of(card) == CardClass.Hbm ? 0.45 : 0.40;
    }
}
