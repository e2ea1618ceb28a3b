namespace DlGpuTools.Recommendations
{
    /// <summary>What the GPU is for; decides which figure ranks the cards and the memory floor.</summary>
    public enum Workload
    {
        /// <summary>Courses, small models, first projects.</summary>
        Learning,

        /// <summary>CNNs and vision transformers: dense mixed-precision math.</summary>
        ComputerVision,

        /// <summary>Transformer training and inference below LLM scale.</summary>
        NLP,

        /// <summary>Serving or running a large language model: token generation is bound by memory bandwidth.</summary>
        LLMInference,

        /// <summary>Fine-tuning a large language model: BF16 math and a lot of memory.</summary>
        LLMFineTune,

        /// <summary>
        /// Diffusion image generation (SDXL, FLUX.1): generating, or training the denoiser with -Training; the pipeline's
        /// size decides the memory.
        /// </summary>
        ImageGeneration,
    }
}
