using System;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// How one architecture runs llama.cpp's prompt processing (prefill), fitted to published pp512 tokens/s. Prefill is
    /// batched matrix math: it runs at the FP16 tensor rate with FP16 accumulation (cuBLAS half-precision GEMM, so GeForce
    /// cards are not held to their half-rate FP32-accumulate figure), times an efficiency per architecture, and is capped
    /// by board power as training is (a 300 W RTX 6000 Ada processes prompts slower than a 450 W RTX 4090).
    /// </summary>
    internal sealed class PrefillFit
    {
        /// <summary>
        /// Board power the cap is stated at; parts drawing less sustain more TFLOPS a watt (see <see cref="PowerExponent"/>).
        /// </summary>
        public const double CapReferenceW = 300;

        /// <summary>The cap grows as the board power to this power, not linearly: parts of lower power run lower on the voltage
        /// curve (fitted with the other prefill constants).</summary>
        public const double PowerExponent = 0.856;

        public PrefillFit(double efficiency, double? tflopsPerWattAt300W, bool fitted)
        {
            Efficiency = efficiency;
            TflopsPerWattAt300W = tflopsPerWattAt300W;
            Fitted = fitted;
        }

        /// <summary>Tensor efficiency over the reference (Ampere GeForce = 1).</summary>
        public double Efficiency { get; }

        /// <summary>Sustained FP16 tensor TFLOPS per watt of a 300 W part at most; null where no card of the architecture was
        /// held back by power in the measurements.</summary>
        public double? TflopsPerWattAt300W { get; }

        /// <summary>False where the architecture borrows another's values (no pp512 of it was fitted).</summary>
        public bool Fitted { get; }

        /// <summary>The tensor rate a card sustains in prefill: its peak, smoothly capped by its board power.</summary>
        public double SustainedTflops(double peakTflops, int? tdpW)
        {
            if (TflopsPerWattAt300W is not double perWatt || tdpW is not int watts || watts <= 0) return peakTflops;
            double cap = perWatt * CapReferenceW * Math.Pow(watts / CapReferenceW, PowerExponent);
            return 1 / Math.Pow(Math.Pow(peakTflops, -4) + Math.Pow(cap, -4), 0.25);
        }
    }
}
