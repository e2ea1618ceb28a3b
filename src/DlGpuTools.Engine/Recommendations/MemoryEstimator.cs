using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The usual back-of-envelope memory arithmetic for a model of N parameters (GB = 10^9 bytes):
    /// inference holds the weights; training with Adam holds weights, gradients, two FP32 moments and, for
    /// mixed precision, an FP32 master copy (2+2+8+4 = 16 bytes a parameter in BF16/FP16; 4+4+8 = 16 in FP32).
    /// Activations depend on batch and sequence length, so they are a stated allowance: 20% of the model
    /// state for training, 20% of the weights for inference (KV cache and activations at modest context).
    /// </summary>
    public static class MemoryEstimator
    {
        public const double ActivationShare = 0.20;
        public const double CudaOverheadGB = 0.5;

        public static MemoryEstimate Estimate(double parameters, ModelPrecision precision, bool training)
        {
            if (parameters <= 0 || double.IsNaN(parameters) || double.IsInfinity(parameters))
                throw new ArgumentOutOfRangeException(nameof(parameters), "The parameter count must be a positive number, such as 7e9.");
            double weight = BytesPerWeight(precision);
            double perParameter;
            string breakdown;
            if (!training)
            {
                perParameter = weight;
                breakdown = $"{Num(weight)} B weights";
            }
            else
            {
                if (precision == ModelPrecision.INT4 || precision == ModelPrecision.INT8 || precision == ModelPrecision.FP8)
                    throw new ArgumentException($"Full training in {precision} is not estimated: train in BF16 (or use QLoRA-style adapters, which this estimate does not cover).", nameof(precision));
                bool mixed = precision != ModelPrecision.FP32 && precision != ModelPrecision.TF32;
                double master = mixed ? 4 : 0;
                perParameter = weight + weight + 8 + master;
                breakdown = $"{Num(weight)} weights + {Num(weight)} gradients + 8 Adam moments" + (mixed ? " + 4 FP32 master weights" : string.Empty);
            }

            double state = parameters * perParameter / 1e9;
            double activations = state * ActivationShare;
            double total = state + activations + CudaOverheadGB;
            string what = training ? "activations" : "KV cache and activations";
            return new MemoryEstimate
            {
                Parameters = parameters,
                Precision = precision.ToString(),
                Training = training,
                BytesPerParameter = perParameter,
                ModelStateGB = Math.Round(state, 1),
                ActivationAllowanceGB = Math.Round(activations, 1),
                OverheadGB = CudaOverheadGB,
                TotalGB = Math.Round(total, 1),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0:0.##e0} parameters x {1} B ({2}) = {3:0.0} GB; + {4:0}% {5} = {6:0.0} GB; + {7} GB CUDA context = {8:0.0} GB",
                    parameters, Num(perParameter), breakdown, state, ActivationShare * 100, what, activations, Num(CudaOverheadGB), total),
            };
        }

        public static double BytesPerWeight(ModelPrecision precision)
        {
            switch (precision)
            {
                case ModelPrecision.FP32:
                case ModelPrecision.TF32: return 4;
                case ModelPrecision.FP16:
                case ModelPrecision.BF16: return 2;
                case ModelPrecision.FP8:
                case ModelPrecision.INT8: return 1;
                case ModelPrecision.INT4: return 0.5;
                default: throw new ArgumentOutOfRangeException(nameof(precision));
            }
        }

        private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
