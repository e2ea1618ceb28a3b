using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Expected deep-learning speed of a card for a workload, relative to a GeForce RTX 3090 (= 1.00). A step's
    /// time has three parts: math at the card's dense tensor rate C (capped by power, see <see cref="ArchitectureFit"/>),
    /// memory traffic at its bandwidth B (times the architecture's effective-bandwidth factor), and a part no card
    /// speeds up (data loading, launches, host work):
    ///
    ///     time = s x C_ref / C_eff  +  b x B_ref / (B x kappa)  +  o,   s + b + o = 1,   speed = 1 / time
    ///
    /// s and o per workload, and the per-architecture power cap and bandwidth factor, were fitted to Lambda's measured
    /// FP16 training throughputs (https://github.com/lambdal/deeplearning-benchmark, 2023 file and v2 file) and checked
    /// on a held-back set (Lambda's 2022 file, H200 and GH200 runs); LLM inference uses the decode estimator
    /// (<see cref="DecodeTokensPerSecond"/>) for a model filling a 24 GB card. ModelCheckTests prints every ratio.
    /// </summary>
    internal static partial class PerformanceModel
    {
        public const string ReferenceCard = "GeForce RTX 3090";
        public const double ReferenceTflops = 71;
        public const double ReferenceBandwidthGBps = 936;
        private const int ReferenceTdpW = 350;

        /// <summary>Bytes read per token of the model that relative LLM-inference speed is stated for: about 20 GB (a 24 GB card
        /// filled).</summary>
        public const double InferenceReferenceBytes = 20e9;

        /// <summary>The RMS log error of the relative model on the published ratios it was checked against (fitted and held-back
        /// sets).</summary>
        public const double RelativeBand = 0.10;

        /// <summary>
        /// The share of a reference step's time spent on math: fitted 0.27 for vision (ResNet-50), 0.75 for transformers
        /// (BERT-large). Image generation is stated by <see cref="DiffusionEstimate"/> instead; the transformer shares stand
        /// for it only where a caller asks for the shares themselves.
        /// </summary>
        public static double ComputeShare(Workload workload)
        {
            switch (workload)
            {
                case Workload.LLMInference: return 0.0;
                case Workload.NLP:
                case Workload.ImageGeneration:
                case Workload.LLMFineTune: return 0.748;
                default: return 0.274;
            }
        }

        /// <summary>The share of a reference step's time no card speeds up: fitted 0.18 for vision, 0.04 for transformers.</summary>
        public static double FixedShare(Workload workload)
        {
            switch (workload)
            {
                case Workload.LLMInference: return 0.0;
                case Workload.NLP:
                case Workload.ImageGeneration:
                case Workload.LLMFineTune: return 0.042;
                default: return 0.176;
            }
        }

        /// <summary>The relative speed, the inputs and the formula with numbers; null when the card lacks a figure the model
        /// needs.</summary>
        public static PerformanceEstimate? Estimate(GpuSpec card, Workload workload, ModelPrecision precision)
        {
            var (label, tflops) = ComputeInput(card, workload, precision);
            if (tflops == null || card.MemoryBandwidthGBps == null || tflops <= 0 || card.MemoryBandwidthGBps <= 0) return null;
            double c = tflops.Value;
            double b = card.MemoryBandwidthGBps.Value;
            ArchitectureFit fit = ArchitectureFit.For(card);
            if (workload == Workload.LLMInference) return InferenceEstimate(card, label, c, b, fit);
            if (workload == Workload.ImageGeneration) return DiffusionEstimate(card, b, fit);
            double s = ComputeShare(workload);
            double o = FixedShare(workload);
            double cEff = EffectiveTflops(c, card.TdpW, fit);
            double cRef = EffectiveTflops(ReferenceTflops, ReferenceTdpW, ArchitectureFit.For(Reference));
            double speed = 1 / (s * cRef / cEff + (1 - s - o) * ReferenceBandwidthGBps / (b * fit.BandwidthFactor) + o);
            return new PerformanceEstimate
            {
                RelativeSpeed = speed,
                ComputeTflops = c,
                ComputeLabel = label,
                BandwidthGBps = b,
                ComputeShare = s,
                Band = RelativeBand,
                Inputs = string.Format(CultureInfo.InvariantCulture, "{0} {1:0.#} TFLOPS, {2:0} GB/s", label, c, b),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "1 / ({0:0.00} x {1:0.#}/{2:0.#} + {3:0.00} x {4}/({5:0} x {6:0.00}) + {7:0.00}) = {8:0.00} x {9} ({10}{11})",
                    s, cRef, cEff, 1 - s - o, ReferenceBandwidthGBps, b, fit.BandwidthFactor, o, speed, ReferenceCard,
                    cEff < c - 0.05 ? string.Format(CultureInfo.InvariantCulture, "{0:0.#} TFLOPS power-capped; ", cEff) : string.Empty,
                    fit.Fitted ? fit.Key + " fit" : "architecture not fitted"),
            };
        }

        private static GpuSpec Reference => new GpuSpec { Name = ReferenceCard, Architecture = "Ampere", MemoryType = "GDDR6X" };

        /// <summary>Tensor TFLOPS a card sustains: its datasheet figure, smoothly capped at the architecture's TFLOPS per watt times its
        /// board power.</summary>
        public static double EffectiveTflops(double tflops, int? tdpW, ArchitectureFit fit)
        {
            if (tdpW is not int watts || watts <= 0) return tflops;
            double cap = fit.TflopsPerWatt * watts;
            return 1 / Math.Pow(Math.Pow(tflops, -4) + Math.Pow(cap, -4), 0.25);
        }

        private static PerformanceEstimate? InferenceEstimate(GpuSpec card, string label, double c, double b, ArchitectureFit fit)
        {
            GpuSpec reference = CardCatalogReference.Card;
            ThroughputEstimate? mine = DecodeTokensPerSecond(card, InferenceReferenceBytes, InferenceEngine.LlamaCpp);
            ThroughputEstimate? theirs = DecodeTokensPerSecond(reference, InferenceReferenceBytes, InferenceEngine.LlamaCpp);
            if (mine == null || theirs == null) return null;
            double speed = mine.Value / theirs.Value;
            return new PerformanceEstimate
            {
                RelativeSpeed = speed,
                ComputeTflops = c,
                ComputeLabel = label,
                BandwidthGBps = b,
                ComputeShare = 0,
                Band = RelativeBand,
                Inputs = string.Format(CultureInfo.InvariantCulture, "{0} {1:0.#} TFLOPS, {2:0} GB/s", label, c, b),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "decode of 20 GB a token: {0} / {1:0.0} tokens/s = {2:0.00} x {3} ({4})",
                    mine.Formula, theirs.Value, speed, ReferenceCard, fit.Fitted ? fit.Key + " fit" : "architecture not fitted"),
            };
        }

        /// <summary>
        /// Image generation: a denoising step is batched half-precision matrix math (attention and convolutions lowered to
        /// GEMMs), which optimised pipelines run with FP16 accumulation. It is stated like llama.cpp's prompt processing, with
        /// the same fitted per-architecture tensor efficiency and power cap (<see cref="PrefillFit"/>), not like training:
        /// published SDXL steps put an H100 at 2.4x an RTX 4080 where training-style shares said 5x (ModelCheckTests).
        /// </summary>
        private static PerformanceEstimate? DiffusionEstimate(GpuSpec card, double bandwidth, ArchitectureFit fit)
        {
            var (label, peak) = FittedPrefill.TensorInput(card);
            var (_, referencePeak) = FittedPrefill.TensorInput(CardCatalogReference.Card);
            if (peak is not double c || c <= 0 || referencePeak is not double r) return null;
            double mine = fit.Prefill.Efficiency * fit.Prefill.SustainedTflops(c, card.TdpW);
            ArchitectureFit referenceFit = ArchitectureFit.For(CardCatalogReference.Card);
            double theirs = referenceFit.Prefill.Efficiency * referenceFit.Prefill.SustainedTflops(r, CardCatalogReference.Card.TdpW);
            double speed = mine / theirs;
            return new PerformanceEstimate
            {
                RelativeSpeed = speed,
                ComputeTflops = c,
                ComputeLabel = label,
                BandwidthGBps = bandwidth,
                ComputeShare = 1,
                Band = RelativeBand,
                Inputs = string.Format(CultureInfo.InvariantCulture, "{0} {1:0.#} TFLOPS, {2:0} GB/s", label, c, bandwidth),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0:0.00} x {1:0.#} sustained {2} TFLOPS / {3:0.#} = {4:0.00} x {5} (half-precision denoising steps; {6})",
                    fit.Prefill.Efficiency, fit.Prefill.SustainedTflops(c, card.TdpW), label, theirs, speed, ReferenceCard,
                    fit.Prefill.Fitted ? fit.Key + " prefill fit" : "prefill values borrowed"),
            };
        }

        /// <summary>
        /// Which throughput figure the workload runs at: FP8 tensor for FP8 where the card has it, BF16 where asked for
        /// and present, else FP16 tensor; FP32 on cards without tensor cores (mixed precision gains little there).
        /// INT8/INT4 weights are widened to 16-bit for the math.
        /// </summary>
        public static (string Label, double? Tflops) ComputeInput(GpuSpec card, Workload workload, ModelPrecision precision)
        {
            if (card.Fp16TensorTflops == null) return ("FP32", card.Fp32Tflops);
            if (precision == ModelPrecision.FP8 && card.Fp8TensorTflops != null) return ("FP8", card.Fp8TensorTflops);
            if (precision == ModelPrecision.FP32) return ("FP32", card.Fp32Tflops);
            if (precision == ModelPrecision.TF32 && card.Tf32TensorTflops != null) return ("TF32", card.Tf32TensorTflops);
            if (card.Bf16TensorTflops != null && precision == ModelPrecision.BF16) return ("BF16", card.Bf16TensorTflops);
            return ("FP16", card.Fp16TensorTflops);
        }

        /// <summary>The RTX 3090 of the built-in table, which every relative speed is stated against.</summary>
        private static class CardCatalogReference
        {
            public static GpuSpec Card => Catalog.CardCatalog.BuiltIn.Resolve(ReferenceCard)
                ?? throw new InvalidOperationException("The built-in card table lacks the reference card " + ReferenceCard + ".");
        }
    }

    /// <summary>The model's answer for one card, with what went into it.</summary>
    internal sealed class PerformanceEstimate
    {
        /// <summary>Expected throughput relative to a GeForce RTX 3090 (1.00).</summary>
        public double RelativeSpeed { get; set; }

        public double ComputeTflops { get; set; }

        public string? ComputeLabel { get; set; }

        public double BandwidthGBps { get; set; }

        public double ComputeShare { get; set; }

        public string? Inputs { get; set; }

        public string? Formula { get; set; }

        /// <summary>The model's RMS error (0.08 = ±8%) on the published ratios of ModelCheckTests: print it beside every Speed.</summary>
        public double Band { get; set; }

        /// <summary>The band as text: "±8%".</summary>
        public string BandText => string.Format(CultureInfo.InvariantCulture, "\u00b1{0:0}%", Band * 100);
    }
}
