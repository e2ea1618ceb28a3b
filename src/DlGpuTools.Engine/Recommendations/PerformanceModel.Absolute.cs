using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Absolute throughput: decode and prefill tokens per second, and training FLOP/s. Each multiplies a datasheet
    /// figure by an efficiency fitted to published measurements (ModelCheckTests lists them, with sources) and
    /// carries the RMS error of that fit as its band.
    /// </summary>
    public static partial class PerformanceModel
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
        /// Prompt tokens per second: each token costs 2 FLOPs per active parameter, run at the card's dense tensor rate
        /// for <paramref name="precision"/> times the engine's fitted prefill efficiency.
        /// </summary>
        public static ThroughputEstimate? PrefillTokensPerSecond(GpuSpec card, double activeParameters, ModelPrecision precision,
            InferenceEngine engine)
        {
            var (label, tflops) = ComputeInput(card, Workload.LLMInference, precision);
            if (tflops is not double peak || peak <= 0 || activeParameters <= 0) return null;
            double efficiency = FittedPrefill.Efficiency(card, engine);
            double value = efficiency * peak * 1e12 / (2 * activeParameters);
            return new ThroughputEstimate
            {
                Value = value,
                Unit = "tokens/s",
                Band = FittedPrefill.Band,
                Formula = string.Format(CultureInfo.InvariantCulture, "{0:0.00} x {1} {2:0.#} TFLOPS / (2 x {3:0.##}e9) = {4:0} tokens/s",
                    efficiency, label, peak, activeParameters / 1e9, value),
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
