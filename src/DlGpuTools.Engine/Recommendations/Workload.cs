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

    /// <summary>Numeric format of the model's weights.</summary>
    public enum ModelPrecision
    {
        FP32,
        TF32,
        FP16,
        BF16,
        FP8,
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
            Justification = "INT8 is the precision's own name, which users type as -Precision INT8; renaming it would break their "
                + "scripts.")]
        INT8,
        INT4,

        /// <summary>NVFP4 (Blackwell): 4-bit E2M1 values with one FP8 E4M3 scale per 16, 4.5 bits a weight.</summary>
        FP4,

        /// <summary>MXFP4 (OCP microscaling): 4-bit E2M1 values with one 8-bit power-of-two scale per 32, 4.25 bits a weight.</summary>
        MXFP4,
    }
}
