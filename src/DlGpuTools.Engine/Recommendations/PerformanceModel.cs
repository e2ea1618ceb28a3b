using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Expected deep-learning speed of a card for a workload, relative to a GeForce RTX 3090 (= 1.00), from
    /// two datasheet figures: dense tensor throughput C (TFLOPS, FP32 accumulate) and memory bandwidth B (GB/s).
    /// A training or inference step spends a share s of its time on math and 1 - s moving data (Dettmers:
    /// tensor cores sit idle most of the time waiting for memory, so bandwidth is the best single predictor),
    /// and the two add up:
    ///
    ///     speed = 1 / ( s * C_ref / C  +  (1 - s) * B_ref / B ),   C_ref = 71 TFLOPS, B_ref = 936 GB/s (RTX 3090)
    ///
    /// s was fitted to Lambda's measured single-GPU training throughputs (https://github.com/lambdal/deeplearning-benchmark,
    /// pytorch/pytorch-train-throughput-fp16.csv, 12 cards, read 2025-12-17):
    /// 0.3 over the 8-model geometric mean (RMS error 15%), 0.5 for BERT-large (10%). LLM token generation reads
    /// every weight once per token, so inference uses s = 0.1. The model knows nothing of cache size (it
    /// under-rates Ada's 72 MB L2 by about 20%) or software maturity (it over-rates Volta by about 30%);
    /// ModelCheckTests states its error against published and our own measured ratios.
    /// </summary>
    public static partial class PerformanceModel
    {
        public const string ReferenceCard = "GeForce RTX 3090";
        public const double ReferenceTflops = 71;
        public const double ReferenceBandwidthGBps = 936;

        /// <summary>The RMS log error of the relative model on the published ratios it was checked against (fitted and held-back sets).</summary>
        public const double RelativeBand = 0.10;

        public static double ComputeShare(Workload workload)
        {
            switch (workload)
            {
                case Workload.LLMInference: return 0.1;
                case Workload.NLP:
                case Workload.LLMFineTune: return 0.5;
                default: return 0.3;
            }
        }

        /// <summary>The relative speed, the inputs and the formula with numbers; null when the card lacks a figure the model needs.</summary>
        public static PerformanceEstimate? Estimate(GpuSpec card, Workload workload, ModelPrecision precision)
        {
            var (label, tflops) = ComputeInput(card, workload, precision);
            if (tflops == null || card.MemoryBandwidthGBps == null || tflops <= 0 || card.MemoryBandwidthGBps <= 0) return null;
            double s = ComputeShare(workload);
            double c = tflops.Value;
            double b = card.MemoryBandwidthGBps.Value;
            double speed = Speed(s, c, b);
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
                    "1 / ({0} x {1}/{2:0.#} + {3} x {4}/{5:0}) = {6:0.00} x {7}", s, ReferenceTflops, c, 1 - s, ReferenceBandwidthGBps, b, speed, ReferenceCard),
            };
        }

        public static double Speed(double computeShare, double tflops, double bandwidthGBps) =>
            1 / (computeShare * ReferenceTflops / tflops + (1 - computeShare) * ReferenceBandwidthGBps / bandwidthGBps);

        /// <summary>
        /// Which throughput figure the workload runs at: FP8 tensor for FP8 inference where the card has it,
        /// BF16 where asked for and present, else FP16 tensor; FP32 on cards without tensor cores (mixed
        /// precision gains little there). INT8/INT4 weights are widened to 16-bit for the math.
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
    }

    /// <summary>The model's answer for one card, with what went into it.</summary>
    public sealed class PerformanceEstimate
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
