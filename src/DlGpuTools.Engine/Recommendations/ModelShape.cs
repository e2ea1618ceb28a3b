using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The shape of a model as its published configuration gives it: what decides memory beyond the parameter
    /// count (KV cache from layers, KV heads and head size or the MLA latent; logits from the vocabulary where a
    /// language-model head is trained; routed experts for mixture-of-experts models).
    /// A bare parameter count takes the shape of the nearest size reference (ForParameters), stated as a guess.
    /// </summary>
    public sealed class ModelShape
    {
        internal ModelShape(string name, double parameters, int layers, int width, int heads, int kvHeads, int headSize, int vocabulary)
        {
            Name = name;
            Parameters = parameters;
            ActiveParameters = parameters;
            Layers = layers;
            Width = width;
            Heads = heads;
            KvHeads = kvHeads;
            HeadSize = headSize;
            Vocabulary = vocabulary;
        }

        public string Name { get; }

        /// <summary>Every parameter: memory follows this.</summary>
        public double Parameters { get; private set; }

        /// <summary>Parameters one token passes through (all of them for a dense model): compute and bytes read per token follow
        /// this.</summary>
        public double ActiveParameters { get; internal set; }

        /// <summary>Parameters of the routed experts together (0 for a dense model): what expert offload moves to host memory.</summary>
        public double ExpertParameters { get; internal set; }

        public int Layers { get; }

        /// <summary>Hidden size (d_model).</summary>
        public int Width { get; }

        /// <summary>Query heads (tensor parallelism must divide them).</summary>
        public int Heads { get; }

        public int KvHeads { get; }

        public int HeadSize { get; }

        /// <summary>Tokens in the vocabulary; 0 for models without one (ViT, diffusion denoisers).</summary>
        public int Vocabulary { get; }

        /// <summary>Input embedding and output head share one matrix.</summary>
        public bool TiedEmbeddings { get; internal set; }

        public ModelTask Task { get; internal set; } = ModelTask.CausalLM;

        /// <summary>Training computes logits over the whole vocabulary at every position (causal LMs; not BERT fine-tuning with a task
        /// head).</summary>
        public bool HasLmHead => Task == ModelTask.CausalLM && Vocabulary > 0;

        /// <summary>Multi-head latent attention (DeepSeek-V3): elements cached per token and layer (kv_lora_rank + rope head size); 0
        /// otherwise.</summary>
        public int KvLatentSize { get; internal set; }

        /// <summary>Layers that attend over a sliding window only (gpt-oss alternates them), and the window in tokens.</summary>
        public int SlidingWindowLayers { get; internal set; }

        public int SlidingWindow { get; internal set; }

        /// <summary>The precision the publisher ships the weights in (BF16; FP8 for DeepSeek-V3; MXFP4 experts for gpt-oss).</summary>
        public ModelPrecision NativePrecision { get; internal set; } = ModelPrecision.BF16;

        /// <summary>Image-generation parts (text encoders, VAE, tokens per image); null for other tasks.</summary>
        public DiffusionParts? Diffusion { get; internal set; }

        /// <summary>Tokens per input when the task fixes it (ViT-L/16 at 224 px: 196 patches + 1 class token); 0 when the caller's context
        /// applies.</summary>
        public int TokensPerInput { get; internal set; }

        /// <summary>A published model (a preset), not the nearest shape guessed for a bare parameter count.</summary>
        public bool IsPreset { get; internal set; }

        /// <summary>Preset name users type with -Model (e.g. "Llama-3.1-8B"); null for a guessed shape.</summary>
        public string? Id { get; internal set; }

        /// <summary>Where the shape was read: the publisher's config.json or model card, with the date it was published.</summary>
        public string? Source { get; internal set; }

        public bool IsMixtureOfExperts => ExpertParameters > 0;

        /// <summary>Input embedding plus the output head (once when tied).</summary>
        public double EmbeddingParameters => (double)Vocabulary * Width * (TiedEmbeddings ? 1 : 2);

        /// <summary>The nearest size reference on a log scale (dense language models and BERT-large).</summary>
        public static ModelShape For(double parameters) => ModelPresets.NearestSizeReference(parameters);

        /// <summary>
        /// The nearest size reference's layout carrying the given counts. For a mixture of experts named only by
        /// its counts, the routed experts are taken as total minus active: the parameters a token skips are
        /// expert weights (a lower bound; the always-used share of a real model is smaller).
        /// </summary>
        public static ModelShape ForParameters(double parameters, double? activeParameters = null)
        {
            if (parameters <= 0 || double.IsNaN(parameters) || double.IsInfinity(parameters))
                throw new RecommendationInputException("The parameter count must be a positive number, such as 7e9.",
                    "Give a positive parameter count (-ModelParameters 7e9), or a preset (-Model; Tab lists them).");
            double active = activeParameters ?? parameters;
            if (active <= 0 || active > parameters || double.IsNaN(active))
                throw new RecommendationInputException(
                    "Active parameters must be positive and at most the total, such as -ModelParameters 117e9 -ActiveParameters 5.1e9.",
                    "Give -ActiveParameters between 0 and -ModelParameters, such as -ModelParameters 120e9 -ActiveParameters 5.1e9.");
            ModelShape near = For(active < parameters ? active : parameters);
            ModelShape shape = near.Copy();
            shape.Parameters = parameters;
            shape.ActiveParameters = active;
            shape.ExpertParameters = parameters - active;
            shape.IsPreset = false;
            shape.Id = null;
            return shape;
        }

        internal ModelShape Copy() => (ModelShape)MemberwiseClone();

        public string Describe()
        {
            string attention = KvLatentSize > 0
                ? string.Format(CultureInfo.InvariantCulture, "MLA latent {0} a token and layer", KvLatentSize)
                : string.Format(CultureInfo.InvariantCulture, "{0} KV heads of {1}", KvHeads, HeadSize);
            string text = string.Format(CultureInfo.InvariantCulture, "{0} shape: {1} layers, width {2}, {3}", Name, Layers, Width,
                attention);
            if (IsMixtureOfExperts) text += string.Format(CultureInfo.InvariantCulture, ", {0:0.#}B of {1:0.#}B active",
                ActiveParameters / 1e9, Parameters / 1e9);
            return IsPreset ? text : text + " (nearest published shape for the size)";
        }
    }

    /// <summary>The parts of an image-generation pipeline besides its denoiser.</summary>
    public sealed class DiffusionParts
    {
        public DiffusionParts(double textEncoderParameters, double vaeParameters, int pixelsPerToken, int textTokens,
            bool classifierFreeGuidance)
        {
            TextEncoderParameters = textEncoderParameters;
            VaeParameters = vaeParameters;
            PixelsPerToken = pixelsPerToken;
            TextTokens = textTokens;
            ClassifierFreeGuidance = classifierFreeGuidance;
        }

        /// <summary>All text encoders together (CLIP, OpenCLIP, T5).</summary>
        public double TextEncoderParameters { get; }

        public double VaeParameters { get; }

        /// <summary>Image side in pixels per denoiser token side: 8x VAE downsampling times the patch (FLUX 2x2 = 16), or the UNet level
        /// holding most transformer blocks (SDXL 32x32 latent at 1024 px = 32).</summary>
        public int PixelsPerToken { get; }

        /// <summary>Text tokens that run through the denoiser beside the image tokens (FLUX's joint attention: 512).</summary>
        public int TextTokens { get; }

        /// <summary>Each step runs the denoiser twice (conditional and unconditional), doubling activations.</summary>
        public bool ClassifierFreeGuidance { get; }

        /// <summary>Denoiser tokens for an image of side <paramref name="pixels"/>.</summary>
        public double Tokens(int pixels) => Math.Pow(pixels / (double)PixelsPerToken, 2) + TextTokens;
    }
}
