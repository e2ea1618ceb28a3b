namespace DlGpuTools.Recommendations
{
    /// <summary>Which figure matters for a workload, and how much memory a card needs for it at least.</summary>
    public static class WorkloadProfile
    {
        /// <summary>
        /// Per-card memory floor in GB: below it the workload is cramped whatever the model (batch sizes,
        /// image sizes, context length). These are the thresholds experienced practitioners quote.
        /// </summary>
        public static double MemoryFloorGB(Workload workload)
        {
            switch (workload)
            {
                case Workload.Learning: return 6;
                case Workload.ComputerVision: return 8;
                case Workload.NLP: return 12;
                case Workload.LLMInference: return 16;
                case Workload.LLMFineTune: return 24;
                default: return 6;
            }
        }

        /// <summary>The figure to rank by, and its value for a card (null when the table has none).</summary>
        public static (string Name, double? Value) Metric(Workload workload, GpuSpec card)
        {
            switch (workload)
            {
                case Workload.LLMInference:
                    // Generating a token reads every weight once: memory bandwidth sets the speed.
                    return ("memory bandwidth GB/s", card.MemoryBandwidthGBps);
                case Workload.NLP:
                case Workload.LLMFineTune:
                    if (card.Bf16TensorTflops != null) return ("BF16 tensor TFLOPS", card.Bf16TensorTflops);
                    return card.Fp16TensorTflops != null ? ("FP16 tensor TFLOPS (no BF16)", card.Fp16TensorTflops) : ("FP32 TFLOPS (no tensor cores)", card.Fp32Tflops);
                default:
                    // Without tensor cores, mixed precision runs at about the FP32 rate.
                    return card.Fp16TensorTflops != null ? ("FP16 tensor TFLOPS", card.Fp16TensorTflops) : ("FP32 TFLOPS (no tensor cores)", card.Fp32Tflops);
            }
        }
    }
}
