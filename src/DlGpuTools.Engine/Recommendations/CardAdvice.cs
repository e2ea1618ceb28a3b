using System;
using System.Collections.Generic;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The warnings experienced people give about a card for a workload. Compatibility facts follow the
    /// shared reference cuda-compat.md §3.3–3.4: CUDA 13 needs compute capability 7.5 or newer, CUDA 12 dropped
    /// Kepler, cuDNN 9.11 dropped Maxwell and Pascal.
    /// </summary>
    public static class CardAdvice
    {
        public const string LaunchPriceNote = "Launch price, not today's: used cards sell below it and scarce ones above it; check current prices.";

        public static List<string> Warnings(GpuSpec card, Workload workload, ModelPrecision precision, int gpusNeeded)
        {
            var warnings = new List<string>();
            if (!card.IsCudaCapable)
            {
                warnings.Add("Not CUDA-capable: CUDA, cuDNN and most deep-learning tools do not run on it (PyTorch needs its ROCm build).");
                return warnings;
            }

            if (card.Name.IndexOf("GTX 970", StringComparison.OrdinalIgnoreCase) >= 0)
                warnings.Add("The last 0.5 GB of its 4 GB is a slow segment (28 GB/s): treat it as a 3.5 GB card.");
            if (workload == Workload.ComputerVision && card.MemoryGB < 6)
                warnings.Add("Under 6 GB limits computer vision: small batches and images, and many pretrained models will not fit.");

            double cc = double.Parse(card.ComputeCapability, CultureInfo.InvariantCulture);
            if (cc < 5.0)
                warnings.Add($"Too old for current CUDA: CUDA 12 dropped Kepler (compute capability {card.ComputeCapability}); CUDA 11.x and old framework builds are the newest that run.");
            else if (cc < 7.5)
                warnings.Add($"Too old for CUDA 13 (needs compute capability 7.5; this is {card.ComputeCapability}): stay on CUDA 12.x builds that still include sm_{card.ComputeCapability.Replace(".", string.Empty)}"
                    + (cc < 7.0 ? "; cuDNN 9.11 and newer dropped Maxwell and Pascal." : "; cuDNN and PyTorch's CUDA 12.8+ builds dropped Volta."));

            bool tensorCores = card.Fp16TensorTflops != null;
            if (!tensorCores) warnings.Add("No tensor cores: mixed precision gives little speed-up.");
            else if (card.Bf16TensorTflops == null && (precision == ModelPrecision.BF16 || workload == Workload.LLMFineTune || workload == Workload.NLP))
                warnings.Add("No BF16 tensor cores (before Ampere): train in FP16 with loss scaling.");

            if (card.Segment == "datacenter")
                warnings.Add("Data-centre card: passively cooled, it needs server airflow; NVIDIA publishes no list price.");
            if (gpusNeeded > 1)
                warnings.Add($"The model needs {gpusNeeded} of these: sharded training (FSDP, DeepSpeed ZeRO) or model parallelism"
                    + (card.Segment == "consumer" ? "; GeForce cards since the RTX 40 series have no NVLink." : "."));
            return warnings;
        }
    }
}
