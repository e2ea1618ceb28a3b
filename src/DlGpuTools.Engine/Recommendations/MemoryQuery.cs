namespace DlGpuTools.Recommendations
{
    /// <summary>What a model is trained or used for: decides whether logits over a vocabulary exist and how inputs count.</summary>
    public enum ModelTask
    {
        /// <summary>Decoder-only language model: logits over its vocabulary at every position, a KV cache when serving.</summary>
        CausalLM,

        /// <summary>Text encoder (BERT): fine-tuned with a small task head, so no vocabulary-wide logits.</summary>
        Encoder,

        /// <summary>Image encoder (ViT): the context is the patch count plus the class token.</summary>
        VisionEncoder,

        /// <summary>Diffusion model: a denoiser (UNet or transformer) with text encoders and a VAE.</summary>
        ImageGeneration,
    }

    /// <summary>How the weights are trained: all of them, or low-rank adapters on a frozen 16-bit or 4-bit base.</summary>
    public enum TrainingMethod
    {
        Full,
        LoRA,
        QLoRA,
    }

    /// <summary>Optimizer state per trained parameter (bitsandbytes for the 8-bit and paged forms).</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam/AdamW with two FP32 moments: 8 B a trained parameter.</summary>
        AdamW,

        /// <summary>bitsandbytes 8-bit AdamW: two 8-bit moments with block-wise scales, about 2 B a parameter.</summary>
        AdamW8bit,

        /// <summary>bitsandbytes paged AdamW (32-bit states in unified memory that spill to the host under pressure).</summary>
        PagedAdamW,

        /// <summary>bitsandbytes paged 8-bit AdamW.</summary>
        PagedAdamW8bit,
    }

    /// <summary>What leaves GPU memory for host memory.</summary>
    [System.Flags]
    public enum OffloadKind
    {
        None = 0,

        /// <summary>Optimizer moments and FP32 master weights on the host, stepped by the CPU (ZeRO-Offload / FSDP CPU offload).</summary>
        OptimizerState = 1,

        /// <summary>Routed-expert weights of a mixture-of-experts model in host memory (llama.cpp --n-cpu-moe / -ot exps=CPU).</summary>
        Experts = 2,
    }

    /// <summary>
    /// One memory question: a model shape (a preset, or the nearest shape for a bare parameter count), what is
    /// done with it, at which precision, and the context and batch it runs at.
    /// </summary>
    internal sealed class MemoryQuery
    {
        public MemoryQuery(ModelShape shape)
        {
            Shape = shape ?? throw new System.ArgumentNullException(nameof(shape));
        }

        public ModelShape Shape { get; }

        public bool Training { get; set; }

        /// <summary>Training only: full fine-tuning, LoRA on a 16-bit base, or QLoRA on a 4-bit NF4 base.</summary>
        public TrainingMethod Method { get; set; } = TrainingMethod.Full;

        /// <summary>Weights as stored for inference; the compute precision for full training (BF16, FP16, FP32, TF32).</summary>
        public ModelPrecision Precision { get; set; } = ModelPrecision.BF16;

        /// <summary>Keys and values as cached; 16-bit when not given.</summary>
        public ModelPrecision? KvCachePrecision { get; set; }

        public OptimizerKind Optimizer { get; set; } = OptimizerKind.AdamW;

        public OffloadKind Offload { get; set; } = OffloadKind.None;

        /// <summary>Tokens per sequence (text), or per image for vision encoders; the image side in pixels for ImageGeneration.</summary>
        public int ContextLength { get; set; } = 4096;

        public int BatchSize { get; set; } = 1;
    }
}
