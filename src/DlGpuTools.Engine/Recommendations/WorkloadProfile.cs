namespace DlGpuTools.Recommendations
{
    /// <summary>How much memory a card needs for a workload at least, and what "most capable" means for it.</summary>
    internal static class WorkloadProfile
    {
        /// <summary>
        /// Per-card memory floor for a card bought in 2026, in GB. Dettmers' flowchart (Which GPU(s) to Get for Deep
        /// Learning, 2023, https://timdettmers.com/2023/01/30/which-gpu-for-deep-learning/) asks 12 GB for image
        /// generation and 24 GB for transformer and LLM work; 2026 vision models (ViT-L, detection and segmentation at
        /// high resolution, diffusion) and a learner's first LLMs fit 12 GB where 8 GB no longer does.
        /// </summary>
        public static double MemoryFloorGB(Workload workload)
        {
            switch (workload)
            {
                case Workload.Learning:
                case Workload.ComputerVision:
                case Workload.ImageGeneration: return 12;
                default: return 24;
            }
        }

        /// <summary>
        /// The lowest memory still offered, with a visible warning, when too few cards reach the floor: 8 GB for
        /// learning and vision (the 2020 Kaggle floor); none below the floor for transformer and LLM work.
        /// </summary>
        public static double WarnedFloorGB(Workload workload) =>
            workload == Workload.Learning || workload == Workload.ComputerVision || workload == Workload.ImageGeneration
                ? 8
                : MemoryFloorGB(workload);

        /// <summary>
        /// Language-model work and image generation: memory decides what runs at all (a 70B model, FLUX.1 at 16 bits), so
        /// the Best goal ranks memory first.
        /// </summary>
        public static bool MemoryFirst(Workload workload) =>
            workload == Workload.NLP || workload == Workload.LLMInference || workload == Workload.LLMFineTune
            || workload == Workload.ImageGeneration;

        /// <summary>Serving or running an LLM: the answer is tokens a second, and multi-card builds are worth offering.</summary>
        public static bool IsLlm(Workload workload) => workload == Workload.LLMInference || workload == Workload.LLMFineTune;
    }
}
