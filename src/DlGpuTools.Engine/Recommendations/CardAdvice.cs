using System;
using System.Collections.Generic;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The warnings experienced people give about a card for a workload. Compatibility facts: CUDA 13 needs compute
    /// capability 7.5 or newer (NVIDIA's CUDA 13.0 release notes), CUDA 12 dropped Kepler
    /// (https://github.com/kokkos/kokkos/issues/5691), cuDNN 9.11 dropped Maxwell and Pascal
    /// (https://github.com/immich-app/immich/pull/23110); Diagnostics/Data/compute-capability.csv cites each.
    /// </summary>
    internal static class CardAdvice
    {
        public const string LaunchPriceNote
            = "Launch price: no dated street or used price is known for this card; check today's price (or pass -PriceTable).";

        /// <summary>Above this many watts of cards, one household circuit and one power supply are no longer enough.</summary>
        public const int DesktopPowerLimitW = 1200;

        public static List<string> Warnings(GpuSpec card, RecommendationRequest request, MemoryEstimate? method, int gpus)
        {
            var warnings = new List<string>();
            Workload workload = request.Workload;
            if (!card.IsCudaCapable || card.ComputeCapability == null)
            {
                warnings.Add(PlatformNote(card));
                return warnings;
            }

            if (card.Name.IndexOf("GTX 970", StringComparison.OrdinalIgnoreCase) >= 0)
                warnings.Add("The last 0.5 GB of its 4 GB is a slow segment (28 GB/s): treat it as a 3.5 GB card.");
            if (workload == Workload.ComputerVision && card.MemoryGB < 6)
                warnings.Add("Under 6 GB limits computer vision: small batches and images, and many pretrained models will not fit.");

            double cc = double.Parse(card.ComputeCapability, CultureInfo.InvariantCulture);
            if (cc < 5.0)
                warnings.Add($"Too old for current CUDA: CUDA 12 dropped Kepler (compute capability {card.ComputeCapability}); CUDA 11.x "
                    + $"and old framework builds are the newest that run.");
            else if (cc < 7.5)
                warnings.Add($"Too old for CUDA 13 (needs compute capability 7.5; this is {card.ComputeCapability}): stay on CUDA 12.x "
                    + $"builds that still include sm_{card.ComputeCapability.Replace(".", string.Empty)}"
                    + (cc < 7.0 ? "; cuDNN 9.11 and newer dropped Maxwell and Pascal."
                        : "; cuDNN and PyTorch's CUDA 12.8+ builds dropped Volta."));
            if (cc >= 10.0) warnings.Add("Blackwell: needs CUDA 12.8 or newer builds of PyTorch and other frameworks.");

            bool tensorCores = card.Fp16TensorTflops != null;
            if (!tensorCores) warnings.Add(
                "No tensor cores: mixed precision gives little speed-up (Dettmers: do not buy a GPU without tensor cores for deep "
                    + "learning).");
            else if (card.Bf16TensorTflops == null && (request.IsTraining || workload == Workload.NLP || workload == Workload.LLMFineTune))
                warnings.Add("No BF16 tensor cores (before Ampere): train in FP16 with loss scaling.");

            if (card.GpuFormFactor == GpuFormFactor.Sxm || card.GpuFormFactor == GpuFormFactor.Integrated)
                warnings.Add("Data-centre card: passively cooled, it needs server airflow; an SXM/HGX module fits only an HGX server "
                    + "board, not a PC: it is bought as an 8-GPU server, priced per node.");
            else if (card.CardSegment == CardSegment.Datacenter)
                warnings.Add("Data-centre card: passively cooled, it needs server airflow (or a blower shroud in a desktop).");

            if (gpus > 1) warnings.Add(MultiGpuNote(card, method, gpus));
            if (gpus > 1 && card.CardSegment != CardSegment.Datacenter && card.TdpW is int tdp)
            {
                int watts = tdp * gpus;
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0} x {1} W = {2:N0} W of cards: {3}; {0} PCIe x16 slots spaced for the cards' width (or risers), and x8 lanes each "
                        + "at least for tensor parallelism.",
                    gpus, tdp, watts, watts > DesktopPowerLimitW
                        ? "more than one desktop supply and a 15 A/120 V circuit can feed (power-limit the cards with nvidia-smi -pl, or "
                            + "use a server chassis)"
                        : $"a {RoundUp(watts + 300, 100):N0} W or larger power supply"));
            }

            return warnings;
        }

        private static string MultiGpuNote(GpuSpec card, MemoryEstimate? method, int gpus)
        {
            string link = card.GpuInterconnect == GpuInterconnect.NvSwitch
                ? "NVSwitch links every GPU of the server to every other"
                : card.GpuInterconnect == GpuInterconnect.NvLinkBridgePair
                    ? (gpus == 2 ? "an NVLink bridge can join the pair"
                        : "NVLink bridges join pairs only, so beyond two the cards talk over PCIe")
                    : card.PeerToPeer
                        ? "they talk over PCIe (no NVLink)"
                        : "they talk over PCIe only, without peer-to-peer copies (NVIDIA disabled them on GeForce RTX 40 and 50), which "
                            + "costs speed: 2 cards ran about 1.5x one in Lambda's measurements";
            if (method != null && !method.Training)
                return $"The model is split over {gpus} cards by tensor parallelism (vLLM, TensorRT-LLM: 1, 2, 4 or 8 cards, dividing "
                    + $"the attention heads; faster) or by layers (llama.cpp; memory only, no speed-up for one stream); {link}.";
            return $"Training on {gpus} cards shards weights and optimizer state (FSDP, DeepSpeed ZeRO-3) or splits the batch (DDP); "
                + $"{link}.";
        }

        /// <summary>
        /// How well the deep-learning stack runs on a platform in 2026, graded: PyTorch ships ROCm wheels and vLLM serves on
        /// MI300X (https://docs.vllm.ai/en/latest/getting_started/installation/gpu.html); llama.cpp runs on Metal, HIP and Vulkan;
        /// training works on ROCm with kernel gaps (FlashAttention, FP8, bitsandbytes arrived later than on CUDA).
        /// </summary>
        public static string PlatformNote(GpuSpec card)
        {
            switch (card.GpuPlatform)
            {
                case GpuPlatform.Rocm:
                    return "AMD ROCm: inference good (llama.cpp on HIP or Vulkan, vLLM on Instinct cards); training works with PyTorch's "
                        + "ROCm wheels, with gaps (FlashAttention, FP8, bitsandbytes lag CUDA).";
                case GpuPlatform.Metal:
                    return "Apple Metal: inference good (llama.cpp, MLX) on up to about 75% of unified memory; no CUDA, so most training "
                        + "recipes and bitsandbytes do not run.";
                case GpuPlatform.OneApi:
                    return "Intel oneAPI: inference works (llama.cpp SYCL or Vulkan, OpenVINO, PyTorch XPU builds); training and "
                        + "quantisation tools are the least mature.";
                default:
                    return card.IsCudaCapable
                        ? "CUDA." : "Not CUDA-capable: CUDA tools do not run on it; check its vendor's PyTorch build.";
            }
        }

        private static int RoundUp(int value, int step) => (value + step - 1) / step * step;
    }
}
