using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Absolute throughput: decode and prefill tokens per second, and training FLOP/s. Each multiplies a datasheet
    /// figure by an efficiency fitted to published measurements (ModelCheckTests lists them, with sources) and
    /// carries the RMS error of that fit as its band.
    /// </summary>
    internal static partial class PerformanceModel
    {
        /// <summary>
        /// Tokens per second for one stream: every decoded token reads <paramref name="bytesPerToken"/> (active weights
        /// plus the KV cache read for it) at the card's bandwidth times the engine's fitted efficiency, plus a fixed
        /// per-token cost (kernel launches, sampling) that small models on fast cards cannot hide.
        /// </summary>
        public static ThroughputEstimate? DecodeTokensPerSecond(GpuSpec card, double bytesPerToken, InferenceEngine engine)
        {
            if (card.MemoryBandwidthGBps is not double bandwidth || bandwidth <= 0 || bytesPerToken <= 0) return null;
            FittedDecode fit = FittedDecode.For(card, engine);
            double seconds = bytesPerToken / (fit.Efficiency * bandwidth * 1e9) + fit.FixedSeconds;
            return new ThroughputEstimate
            {
                Value = 1 / seconds,
                Unit = "tokens/s",
                Band = FittedDecode.Band,
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "1 / ({0:0.00} GB / ({1:0.00} x {2:0} GB/s) + {3:0.0} ms) = {4:0.#} tokens/s",
                    bytesPerToken / 1e9, fit.Efficiency, bandwidth, fit.FixedSeconds * 1e3, 1 / seconds),
                Basis = FittedDecode.Basis,
            };
        }

        /// <summary>
        /// Prompt tokens per second. llama.cpp: each token costs 2 FLOPs per active parameter at the card's sustained FP16
        /// tensor rate (see <see cref="PrefillFit"/>) times the efficiency llama.cpp reaches on the reference card; weights
        /// stored below 16 bits add a dequantisation step that scales with memory bandwidth (see <see cref="FittedPrefill"/>).
        /// vLLM and TensorRT-LLM: the dense tensor rate for <paramref name="precision"/> at an assumed efficiency.
        /// </summary>
        public static ThroughputEstimate? PrefillTokensPerSecond(GpuSpec card, double activeParameters, ModelPrecision precision,
            InferenceEngine engine)
        {
            if (activeParameters <= 0) return null;
            if (engine == InferenceEngine.LlamaCpp) return LlamaCppPrefill(card, activeParameters, precision);
            var (label, tflops) = ComputeInput(card, Workload.LLMInference, precision);
            if (tflops is not double peak || peak <= 0) return null;
            double value = FittedPrefill.ServingEngineEfficiency * peak * 1e12 / (2 * activeParameters);
            return new ThroughputEstimate
            {
                Value = value,
                Unit = "tokens/s",
                Band = FittedPrefill.Band,
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0:0.00} (assumed) x {1} {2:0.#} TFLOPS / (2 x {3:0.##}e9) = {4:0} tokens/s",
                    FittedPrefill.ServingEngineEfficiency, label, peak, activeParameters / 1e9, value),
                Basis = FittedPrefill.Basis,
            };
        }

        private static ThroughputEstimate? LlamaCppPrefill(GpuSpec card, double activeParameters, ModelPrecision precision)
        {
            if (card.MemoryBandwidthGBps is not double bandwidth || bandwidth <= 0) return null;
            var (label, peak) = FittedPrefill.TensorInput(card);
            if (peak is not double tflops || tflops <= 0) return null;
            PrefillFit fit = ArchitectureFit.For(card).Prefill;
            double sustained = fit.Efficiency * fit.SustainedTflops(tflops, card.TdpW);
            double flops = 2 * activeParameters;
            double compute = flops / (FittedPrefill.ReferenceEfficiency * sustained * 1e12);
            bool quantised = FittedPrefill.IsQuantised(precision);
            double dequantise = quantised
                ? FittedPrefill.DequantiseShare * flops / (FittedPrefill.ReferenceEfficiency * FittedPrefill.ReferenceTflops * 1e12)
                    * ReferenceBandwidthGBps / bandwidth
                : 0;
            double value = 1 / (compute + dequantise);
            return new ThroughputEstimate
            {
                Value = value,
                Unit = "tokens/s",
                Band = FittedPrefill.Band,
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "1 / (2 x {0:0.##}e9 / ({1:0.00} x {2:0.00} x {3:0.#} of {4} {5:0.#} TFLOPS){6}) = {7:0} tokens/s ({8})",
                    activeParameters / 1e9, FittedPrefill.ReferenceEfficiency, fit.Efficiency, fit.SustainedTflops(tflops, card.TdpW),
                    label, tflops,
                    quantised
                        ? string.Format(CultureInfo.InvariantCulture, " + {0:0.00} ms dequantising at {1:0} GB/s",
                            dequantise * 1e3, bandwidth)
                        : string.Empty,
                    value, fit.Fitted ? "prefill fit" : "prefill values borrowed"),
                Basis = FittedPrefill.Basis,
            };
        }

        /// <summary>Sustained training FLOP/s: the dense tensor rate for <paramref name="precision"/> times the model FLOPs utilisation
        /// fitted for the card's class.</summary>
        public static ThroughputEstimate? TrainingFlopsPerSecond(GpuSpec card, ModelPrecision precision)
        {
            var (label, tflops) = ComputeInput(card, Workload.LLMFineTune, precision);
            if (tflops is not double peak || peak <= 0) return null;
            double mfu = FittedTraining.Mfu(card);
            return new ThroughputEstimate
            {
                Value = mfu * peak * 1e12,
                Unit = "FLOP/s",
                Band = FittedTraining.Band,
                Formula = string.Format(CultureInfo.InvariantCulture, "{0:0.00} MFU x {1} {2:0.#} TFLOPS = {3:0.#} TFLOPS sustained", mfu,
                    label, peak, mfu * peak),
                Basis = FittedTraining.Basis,
            };
        }
    }
}
