using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Named models for -Model, each with the shape its publisher's config.json or model card gives and the
    /// address and date of that page. Parameter counts are the publishers' own (model cards or papers).
    /// </summary>
    public static class ModelPresets
    {
        private const string HF = "https://huggingface.co/";

        private static readonly ModelShape[] Presets =
        {
            Lm("Llama-3.2-1B", "Llama 3.2 1B", 1.24e9, 16, 2048, 32, 8, 64, 128256, tied: true,
                source: HF + "meta-llama/Llama-3.2-1B/blob/main/config.json (2024-09-25)"),
            Lm("Llama-3.2-3B", "Llama 3.2 3B", 3.21e9, 28, 3072, 24, 8, 128, 128256, tied: true,
                source: HF + "meta-llama/Llama-3.2-3B/blob/main/config.json (2024-09-25)"),
            Lm("Llama-3.1-8B", "Llama 3.1 8B", 8.03e9, 32, 4096, 32, 8, 128, 128256,
                source: HF + "meta-llama/Llama-3.1-8B/blob/main/config.json (2024-07-23)"),
            Lm("Llama-3.1-70B", "Llama 3.1 70B", 70.6e9, 80, 8192, 64, 8, 128, 128256,
                source: HF + "meta-llama/Llama-3.1-70B/blob/main/config.json (2024-07-23)"),
            Lm("Llama-3.3-70B", "Llama 3.3 70B", 70.6e9, 80, 8192, 64, 8, 128, 128256,
                source: HF + "meta-llama/Llama-3.3-70B-Instruct/blob/main/config.json (2024-12-06)"),
            Lm("Llama-3.1-405B", "Llama 3.1 405B", 405.9e9, 126, 16384, 128, 8, 128, 128256,
                source: HF + "meta-llama/Llama-3.1-405B/blob/main/config.json (2024-07-23)"),
            Lm("Qwen2.5-14B", "Qwen2.5 14B", 14.7e9, 48, 5120, 40, 8, 128, 152064,
                source: HF + "Qwen/Qwen2.5-14B/blob/main/config.json (2024-09-19)"),
            Lm("Qwen2.5-32B", "Qwen2.5 32B", 32.5e9, 64, 5120, 40, 8, 128, 152064,
                source: HF + "Qwen/Qwen2.5-32B/blob/main/config.json (2024-09-19)"),
            Lm("Qwen3-8B", "Qwen3 8B", 8.19e9, 36, 4096, 32, 8, 128, 151936,
                source: HF + "Qwen/Qwen3-8B/blob/main/config.json (2025-04-29)"),
            Lm("Qwen3-32B", "Qwen3 32B", 32.8e9, 64, 5120, 64, 8, 128, 151936,
                source: HF + "Qwen/Qwen3-32B/blob/main/config.json (2025-04-29)"),
            // 48 layers x 128 experts x 3 x 2048 x 768 = 29.0B in routed experts, 8 of 128 used a token.
            Moe(Lm("Qwen3-30B-A3B", "Qwen3 30B-A3B", 30.5e9, 48, 2048, 32, 4, 128, 151936,
                source: HF + "Qwen/Qwen3-30B-A3B/blob/main/config.json (2025-04-29)"), active: 3.3e9, experts: 29.0e9),
            // 94 layers x 128 experts x 3 x 4096 x 1536 = 227.1B in routed experts.
            Moe(Lm("Qwen3-235B-A22B", "Qwen3 235B-A22B", 235e9, 94, 4096, 64, 4, 128, 151936,
                source: HF + "Qwen/Qwen3-235B-A22B/blob/main/config.json (2025-04-29)"), active: 22e9, experts: 227.1e9),
            Lm("Mistral-7B", "Mistral 7B v0.3", 7.25e9, 32, 4096, 32, 8, 128, 32768,
                source: HF + "mistralai/Mistral-7B-v0.3/blob/main/config.json (2024-05-22)"),
            Lm("Mistral-Small-24B", "Mistral Small 24B", 23.6e9, 40, 5120, 32, 8, 128, 131072,
                source: HF + "mistralai/Mistral-Small-24B-Instruct-2501/blob/main/config.json (2025-01-30)"),
            // Model card (arXiv 2508.10925, 2025-08-05) table 1: MLP 19.12B of 20.91B, 3.61B active; MXFP4 experts.
            // Every other layer attends over a 128-token window.
            Native(Window(Moe(Lm("gpt-oss-20b", "gpt-oss-20b", 20.91e9, 24, 2880, 64, 8, 64, 201088,
                source: HF + "openai/gpt-oss-20b/blob/main/config.json and https://arxiv.org/abs/2508.10925 (2025-08-05)"),
                active: 3.61e9, experts: 19.12e9), layers: 12, window: 128), ModelPrecision.MXFP4),
            // Same card: MLP 114.71B of 116.83B, 5.13B active.
            Native(Window(Moe(Lm("gpt-oss-120b", "gpt-oss-120b", 116.83e9, 36, 2880, 64, 8, 64, 201088,
                source: HF + "openai/gpt-oss-120b/blob/main/config.json and https://arxiv.org/abs/2508.10925 (2025-08-05)"),
                active: 5.13e9, experts: 114.71e9), layers: 18, window: 128), ModelPrecision.MXFP4),
            // 671B main model (the 14B multi-token-prediction module is not loaded to serve); 58 MoE layers x 256
            // routed experts x 3 x 7168 x 2048 = 653.9B; MLA caches kv_lora_rank 512 + rope 64 = 576 a token and layer.
            Native(Latent(Moe(Lm("DeepSeek-V3", "DeepSeek-V3", 671e9, 61, 7168, 128, 128, 128, 129280,
                source: HF + "deepseek-ai/DeepSeek-V3/blob/main/config.json and https://arxiv.org/abs/2412.19437 (2024-12-26)"),
                active: 37e9, experts: 653.9e9), latent: 576), ModelPrecision.FP8),
            // Fine-tuned with a task head: the MLM decoder over 30,522 tokens is not trained then.
            Task(Lm("BERT-large", "BERT-large", 0.335e9, 24, 1024, 16, 16, 64, 30522, tied: true,
                source: HF + "google-bert/bert-large-uncased/blob/main/config.json and https://arxiv.org/abs/1810.04805 (2018-10-11)"),
                ModelTask.Encoder, tokens: 0),
            Task(Lm("ViT-L-16", "ViT-L/16", 0.304e9, 24, 1024, 16, 16, 64, 0,
                source: HF + "google/vit-large-patch16-224/blob/main/config.json and https://arxiv.org/abs/2010.11929 (2020-10-22)"),
                ModelTask.VisionEncoder, tokens: 197),
            // UNet 2.567B (paper: 2.6B) with 70 transformer blocks, 60 of them at width 1280 on the 32x32 latent level
            // of a 1024 px image; text encoders CLIP ViT-L + OpenCLIP ViT-bigG = 817M; VAE 83.7M.
            Image(Lm("SDXL", "Stable Diffusion XL 1.0", 2.567e9, 70, 1280, 20, 20, 64, 0,
                source: HF + "stabilityai/stable-diffusion-xl-base-1.0 and https://arxiv.org/abs/2307.01952 (2023-07-04)"),
                new DiffusionParts(0.817e9, 0.0837e9, pixelsPerToken: 32, textTokens: 0, classifierFreeGuidance: true)),
            // 12B rectified-flow transformer: 19 double + 38 single blocks of width 3072; T5-XXL encoder 4.76B + CLIP-L
            // 0.12B; 2x2 patches on the 8x VAE latent = 16 px a token; 512 text tokens in joint attention; guidance distilled.
            Image(Lm("FLUX.1-dev", "FLUX.1 [dev]", 11.9e9, 57, 3072, 24, 24, 128, 0,
                source: HF + "black-forest-labs/FLUX.1-dev/blob/main/transformer/config.json (2024-08-01)"),
                new DiffusionParts(4.88e9, 0.0838e9, pixelsPerToken: 16, textTokens: 512, classifierFreeGuidance: false)),
            Image(Lm("FLUX.1-schnell", "FLUX.1 [schnell]", 11.9e9, 57, 3072, 24, 24, 128, 0,
                source: HF + "black-forest-labs/FLUX.1-schnell/blob/main/transformer/config.json (2024-08-01)"),
                new DiffusionParts(4.88e9, 0.0838e9, pixelsPerToken: 16, textTokens: 256, classifierFreeGuidance: false)),
        };

        /// <summary>Shapes a bare parameter count borrows (the nearest in size): dense language models and BERT-large.</summary>
        private static readonly string[] SizeReferences =
        {
            "BERT-large", "Llama-3.2-1B", "Llama-3.2-3B", "Llama-3.1-8B", "Qwen2.5-14B", "Qwen2.5-32B", "Llama-3.1-70B", "Llama-3.1-405B",
        };

        public static IReadOnlyList<ModelShape> All => Presets;

        /// <summary>Preset names for tab completion: no I/O, no side effects.</summary>
        public static IEnumerable<string> Names => Presets.Select(p => p.Id!);

        /// <summary>The preset of that name: case, spaces, dots, dashes and underscores do not matter ("llama 3.1 8b",
        /// "gpt-oss-120B").</summary>
        public static ModelShape? Find(string? name)
        {
            if (name == null) return null;
            string key = Key(name);
            if (key.Length == 0) return null;
            ModelShape? exact = Presets.FirstOrDefault(p => Key(p.Id!) == key || Key(p.Name) == key);
            if (exact != null) return exact;
            ModelShape[] prefix = Presets.Where(p => Key(p.Id!).StartsWith(key, StringComparison.Ordinal)).ToArray();
            return prefix.Length == 1 ? prefix[0] : null;
        }

        /// <summary>The presets nearest in spelling, for an error naming what was searched.</summary>
        public static IEnumerable<string> Closest(string name)
        {
            string key = Key(name);
            return Presets.Select(p => p.Id!)
                .Where(id => Key(id).Contains(key.Length > 4 ? key.Substring(0, 4) : key))
                .DefaultIfEmpty()
                .Where(id => id != null)!;
        }

        internal static ModelShape NearestSizeReference(double parameters)
        {
            ModelShape best = Find(SizeReferences[0])!;
            foreach (string id in SizeReferences)
            {
                ModelShape shape = Find(id)!;
                if (Math.Abs(Math.Log(shape.Parameters / parameters)) < Math.Abs(Math.Log(best.Parameters / parameters))) best = shape;
            }

            return best;
        }

        private static string Key(string name)
        {
            var chars = name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray();
            return new string(chars);
        }

        private static ModelShape Lm(string id, string name, double parameters, int layers, int width, int heads, int kvHeads, int headSize,
            int vocabulary, string source, bool tied = false) =>
            new ModelShape(name, parameters, layers, width, heads, kvHeads, headSize, vocabulary)
            {
                Id = id, Source = source, TiedEmbeddings = tied, IsPreset = true,
            };

        private static ModelShape Moe(ModelShape shape, double active, double experts)
        {
            shape.ActiveParameters = active;
            shape.ExpertParameters = experts;
            return shape;
        }

        private static ModelShape Window(ModelShape shape, int layers, int window)
        {
            shape.SlidingWindowLayers = layers;
            shape.SlidingWindow = window;
            return shape;
        }

        private static ModelShape Latent(ModelShape shape, int latent)
        {
            shape.KvLatentSize = latent;
            return shape;
        }

        private static ModelShape Native(ModelShape shape, ModelPrecision precision)
        {
            shape.NativePrecision = precision;
            return shape;
        }

        private static ModelShape Task(ModelShape shape, ModelTask task, int tokens)
        {
            shape.Task = task;
            shape.TokensPerInput = tokens;
            return shape;
        }

        private static ModelShape Image(ModelShape shape, DiffusionParts parts)
        {
            shape.Task = ModelTask.ImageGeneration;
            shape.Diffusion = parts;
            return shape;
        }
    }
}
