using System;
using System.Linq;
using System.Text.RegularExpressions;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The shape-aware memory estimate against published figures, each with its source and a stated tolerance.</summary>
    public class MemoryEstimatorTests
    {
        private const double GiB = 1024.0 * 1024 * 1024;

        // llama.cpp docs/backend/CANN.md (ggml-org/llama.cpp, 2024): Meta-Llama-3-8B-Instruct F16 "model size = 14.96 GiB",
        // n_ctx 8192 "KV self size = 1024.00 MiB, K (f16): 512.00 MiB, V (f16): 512.00 MiB".
        private const string LlamaCppCann = "https://github.com/ggml-org/llama.cpp/blob/master/docs/backend/CANN.md";

        // gpt-oss model card, arXiv 2508.10925 (2025-08-05), table 1: checkpoint sizes 60.8 GiB (120b) and 12.8 GiB (20b);
        // "gpt-oss-120b ... can run on a single 80GB GPU".
        private const string GptOssCard = "https://arxiv.org/abs/2508.10925";

        // LLaMA-Factory README, "Hardware Requirement" (estimated): 7B full AMP 120 GB, LoRA 16 GB, QLoRA 4-bit 6 GB; 14B QLoRA 12 GB; 70B
        // QLoRA 48 GB.
        private const string LlamaFactory = "https://github.com/hiyouga/LLaMA-Factory#hardware-requirement";

        // Hugging Face accelerate, "Model memory estimator": bert-base-cased float32 total 413.18 MB, "Training using Adam" 1.61 GB (binary
        // units).
        private const string Accelerate = "https://huggingface.co/docs/accelerate/main/en/usage_guides/model_size_estimator";

        // Unsloth requirements (absolute minimum VRAM with Unsloth's kernels): 8B QLoRA 6 GB, 70B QLoRA 41 GB.
        private const string Unsloth = "https://unsloth.ai/docs/get-started/fine-tuning-for-beginners/unsloth-requirements";

        // FLUX.1-schnell discussion #5 (2024-08): "about 33 GB VRAM" in BF16 all on the GPU, "24 GB" with model CPU offloading.
        private const string FluxVram = "https://huggingface.co/black-forest-labs/FLUX.1-schnell/discussions/5";

        private static ModelShape Preset(string name) => Must.Exist(ModelPresets.Find(name));

        private static MemoryEstimate Serve(string model, ModelPrecision precision, int context = 4096, int batch = 1,
            ModelPrecision? kv = null, OffloadKind offload = OffloadKind.None) =>
            MemoryEstimator.Estimate(new MemoryQuery(Preset(model)) { Precision = precision, ContextLength = context, BatchSize = batch,
                KvCachePrecision = kv, Offload = offload });

        private static MemoryEstimate Train(string model, TrainingMethod method, int context, int batch = 1,
            OptimizerKind optimizer = OptimizerKind.AdamW, OffloadKind offload = OffloadKind.None) =>
            MemoryEstimator.Estimate(new MemoryQuery(Preset(model)) { Training = true, Method = method, ContextLength = context,
                BatchSize = batch, Optimizer = optimizer, Offload = offload });

        private static void Near(double published, double estimate, double tolerance, string source) =>
            Assert.True(Math.Abs(estimate / published - 1) <= tolerance,
                $"{estimate:0.00} against {published:0.00} published ({source}): more than {tolerance:P0} apart");

        [Fact]
        public void Every_preset_has_a_shape_and_a_dated_source_a_user_can_open()
        {
            Assert.True(ModelPresets.All.Count >= 20);
            foreach (ModelShape p in ModelPresets.All)
            {
                Assert.Matches(new Regex(@"^https://\S+.*\(\d{4}-\d{2}-\d{2}\)$"), p.Source ?? string.Empty);
                Assert.True(p.Layers > 0 && p.Width > 0 && p.Heads > 0 && p.KvHeads > 0 && p.HeadSize > 0, p.Name);
                Assert.True(p.ActiveParameters > 0 && p.ActiveParameters <= p.Parameters, p.Name);
                Assert.True(p.ExpertParameters < p.Parameters, p.Name);
                Assert.True(p.IsPreset);
            }

            foreach (string name in new[] { "Llama-3.1-8B", "Llama-3.3-70B", "Llama-3.1-405B", "Qwen3-8B", "Qwen3-32B", "Qwen3-30B-A3B",
                "Qwen3-235B-A22B", "Mistral-7B",
                "Mistral-Small-24B", "gpt-oss-20b", "gpt-oss-120b", "DeepSeek-V3", "BERT-large", "ViT-L-16", "SDXL", "FLUX.1-dev" })
            {
                Assert.NotNull(ModelPresets.Find(name));
            }

            Assert.Equal("gpt-oss-120b", ModelPresets.Find("GPT OSS 120B")?.Id); // spelling, case and separators do not matter
            Assert.Equal("DeepSeek-V3", ModelPresets.Find("deepseek_v3")?.Id);
            Assert.Null(ModelPresets.Find("Llama")); // several match: no guess
            Assert.Contains("BERT-large", ModelPresets.Names);
        }

        [Fact]
        public void Bert_large_carries_no_logits_over_a_vocabulary_it_does_not_train()
        {
            // The issue: 24.1 GB at 512 x 32, 16.8 GB of it logits over the Llama 3 vocabulary. BERT is fine-tuned with a task head.
            MemoryEstimate e = Train("BERT-large", TrainingMethod.Full, 512, 32);
            Assert.Equal(0, e.LogitsGB);
            Assert.DoesNotContain("logits over", e.Formula);
            Assert.InRange(e.TotalGB, 5, 10); // 0.335e9 x 16 B = 5.4 GB state + 24 x 16384 x 1024 x 2 B inputs + one layer recomputed
            Assert.Equal(0, Serve("BERT-large", ModelPrecision.BF16, 512, 32).KvCacheGB); // an encoder caches no keys to generate with

            // A causal LM's logits are counted by its own vocabulary: Qwen3's 151,936, not Llama 3's 128,256.
            MemoryEstimate qwen = Train("Qwen3-8B", TrainingMethod.LoRA, 4096);
            Assert.Equal(Math.Round(2.0 * 4096 * 151936 * 4 / 1e9, 1), qwen.LogitsGB);
            Assert.Equal(0, Train("ViT-L-16", TrainingMethod.Full, 4096, 64).LogitsGB);
        }

        [Fact]
        public void Llama_3_8b_weights_and_kv_cache_match_llama_cpp_to_the_mebibyte()
        {
            MemoryEstimate e = Serve("Llama-3.1-8B", ModelPrecision.BF16, 8192);
            Near(14.96, e.WeightsGB * 1e9 / GiB, 0.01, LlamaCppCann); // 8.03e9 x 2 B
            // 2 x 32 x 8 x 128 x 2 B x 8192
            Near(1024, MemoryEstimator.KvBytesPerSequence(Preset("Llama-3.1-8B"), 8192, 2) / (1024 * 1024), 0.005, LlamaCppCann);
            double fp8 = MemoryEstimator.KvBytesPerSequence(Preset("Llama-3.1-8B"), 8192,
                MemoryEstimator.BytesPerWeight(ModelPrecision.FP8));
            Assert.Equal(512.0 * 1024 * 1024, fp8); // an FP8 cache halves it
            Assert.Equal(Math.Round(fp8 / 1e9, 1), Serve("Llama-3.1-8B", ModelPrecision.BF16, 8192, kv: ModelPrecision.FP8).KvCacheGB);
        }

        [Fact]
        public void Gpt_oss_ships_mxfp4_experts_and_the_120b_runs_on_one_80_gb_card()
        {
            Near(60.8, Serve("gpt-oss-120b", ModelPrecision.MXFP4).WeightsGB * 1e9 / GiB, 0.02, GptOssCard);
            Near(12.8, Serve("gpt-oss-20b", ModelPrecision.MXFP4).WeightsGB * 1e9 / GiB, 0.02, GptOssCard);
            MemoryEstimate e = Serve("gpt-oss-120b", ModelPrecision.MXFP4, 131072);
            Assert.True(e.RequiredPerCardGB(1) <= 80, e.Formula);
            // Half the layers attend over 128 tokens, so the cache at 128k is about half of an all-global one.
            ModelShape shape = Preset("gpt-oss-120b");
            double global = 2.0 * shape.Layers * shape.KvHeads * shape.HeadSize * 2 * 131072 / 1e9;
            Assert.InRange(e.KvCacheGB / global, 0.49, 0.51);
            // Memory from the total, speed from the active: a decode step reads about 5.1B weights, not 117B.
            Assert.InRange(e.BytesPerDecodedToken - e.KvCacheGB * 1e9, 3e9, 6e9);
            Assert.Contains(MemoryEstimator.Methods(new MemoryQuery(shape), null, null), m => m.Method == "MXFP4");
        }

        [Fact]
        public void Offloading_experts_leaves_the_attention_on_the_gpu_and_needs_host_memory_for_the_rest()
        {
            // llama.cpp --n-cpu-moe / -ot exps=CPU: gpt-oss-120b's experts (114.7B at 4.25 bits) in system RAM.
            MemoryEstimate e = Serve("gpt-oss-120b", ModelPrecision.MXFP4, 32768, offload: OffloadKind.Experts);
            Assert.InRange(e.HostMemoryGB, 60, 62);
            Assert.True(e.TotalGB < 12, e.Formula);
            Assert.InRange(e.HostBytesPerDecodedToken, 1.5e9, 2.5e9); // 4 of 128 experts a layer read from host memory
            Assert.Throws<RecommendationInputException>(() => Serve("Llama-3.1-8B", ModelPrecision.BF16, offload: OffloadKind.Experts));
        }

        [Fact]
        public void Deepseek_v3_caches_its_mla_latent_and_serves_in_fp8_on_eight_h200_not_eight_h100()
        {
            // DeepSeek-V2/V3: (kv_lora_rank 512 + rope 64) elements a token and layer, 61 layers (arXiv 2405.04434 section 2.1).
            MemoryEstimate e = Serve("DeepSeek-V3", ModelPrecision.FP8, 4096);
            Assert.Equal(61.0 * 576 * 2 * 4096 / 1e9, e.KvCacheGB, 1);
            Assert.True(e.RequiredPerCardGB(8) <= 141, e.Formula); // 8 x H200, the deployment DeepSeek and SGLang document
            Assert.True(e.RequiredPerCardGB(8) > 80, e.Formula); // not 8 x H100 80 GB: two such nodes
            Assert.True(Serve("DeepSeek-V3", ModelPrecision.BF16).RequiredPerCardGB(8) > 141);
            Assert.InRange(e.BytesPerDecodedToken, 36e9, 42e9); // 37B active at 1 byte
        }

        [Fact]
        public void Llama_405b_in_fp8_fits_one_eight_gpu_node_and_bf16_does_not()
        {
            // Llama 3 paper (arXiv 2407.21783, 2024-07-31, section 6.2): FP8 lets 405B run on one node of 8 H100s; BF16 needs two.
            Assert.True(Serve("Llama-3.1-405B", ModelPrecision.FP8).RequiredPerCardGB(8) <= 80);
            Assert.True(Serve("Llama-3.1-405B", ModelPrecision.BF16).RequiredPerCardGB(8) > 80);
        }

        [Fact]
        public void Training_estimates_match_llama_factory_accelerate_and_unsloth_within_stated_bands()
        {
            Near(120, MemoryEstimator.Full(7e9, ModelPrecision.BF16, 2048, 1).TotalGB, 0.10, LlamaFactory);
            Near(16, MemoryEstimator.LoRA(7e9, 512, 1).TotalGB, 0.15, LlamaFactory);
            Near(48, MemoryEstimator.QLoRA(70e9, 512, 1).TotalGB, 0.15, LlamaFactory);
            Near(12, Train("Qwen2.5-14B", TrainingMethod.QLoRA, 512).TotalGB, 0.25, LlamaFactory);

            // accelerate counts 4 x the FP32 model for Adam training (weights, gradients, two moments), activations apart.
            MemoryEstimate bertBase = MemoryEstimator.Full(108.3e6, ModelPrecision.FP32, 128, 1);
            Near(1.61, (bertBase.WeightsGB + bertBase.TrainingStateGB) * 1e9 / GiB, 0.05, Accelerate);

            // Unsloth's are minimums with its own kernels (chunked cross-entropy, activations offloaded): ours, for plain
            // PEFT at 2048 tokens, lie between 1x and 2x of them.
            foreach ((string model, double published) in new[] { ("Llama-3.1-8B", 6.0), ("Llama-3.1-70B", 41.0) })
            {
                double ratio = Train(model, TrainingMethod.QLoRA, 2048).TotalGB / published;
                Assert.True(ratio >= 1 && ratio <= 2, $"{model} QLoRA {ratio:0.00}x Unsloth's minimum ({Unsloth})");
            }
        }

        [Fact]
        public void Qlora_of_8b_needs_about_11_gb_so_a_12_gb_card_holds_it_with_headroom()
        {
            MemoryEstimate q = MemoryEstimator.QLoRA(8e9, 4096, 1);
            Assert.Equal(11.1, q.TotalGB, 1);
            Assert.True(q.RequiredPerCardGB(1) <= 12);
            Assert.Equal(MemoryEstimator.QLoRASpeedFactor, q.SpeedFactor);
            Assert.Equal(1, MemoryEstimator.LoRA(8e9, 4096, 1).SpeedFactor);
        }

        [Fact]
        public void Eight_bit_and_offloaded_optimizers_shrink_full_fine_tuning()
        {
            MemoryEstimate adam = Train("Llama-3.1-8B", TrainingMethod.Full, 2048);
            MemoryEstimate eightBit = Train("Llama-3.1-8B", TrainingMethod.Full, 2048, optimizer: OptimizerKind.AdamW8bit);
            MemoryEstimate offload = Train("Llama-3.1-8B", TrainingMethod.Full, 2048, offload: OffloadKind.OptimizerState);
            double p = Preset("Llama-3.1-8B").Parameters;
            Assert.Equal(p * 6 / 1e9, adam.TotalGB - eightBit.TotalGB, 0); // 8 B of FP32 moments become 2 B (bitsandbytes)
            Assert.Equal(p * 2 / 1e9, offload.TrainingStateGB, 0); // only the 16-bit gradients stay beside the weights
            Assert.Equal(p * 16 / 1e9, offload.HostMemoryGB, 0); // FP32 master, moments and gradients on the host (ZeRO-Offload)
            Assert.Equal(adam.TotalGB, Train("Llama-3.1-8B", TrainingMethod.Full, 2048, optimizer: OptimizerKind.PagedAdamW).TotalGB);
        }

        [Fact]
        public void A_mixture_of_experts_given_by_counts_takes_memory_from_the_total_and_speed_from_the_active()
        {
            var query = new MemoryQuery(ModelShape.ForParameters(117e9, 5.1e9)) { Precision = ModelPrecision.INT4 };
            MemoryEstimate e = MemoryEstimator.Estimate(query);
            Assert.Equal(117e9 * 0.5625 / 1e9, e.WeightsGB, 0);
            Assert.Equal(5.1e9, e.ActiveParameters);
            double kv = MemoryEstimator.KvBytesPerSequence(query.Shape, query.ContextLength, 2);
            Assert.Equal(5.1e9 * 0.5625 + kv, e.BytesPerDecodedToken, 0);
            Assert.Throws<RecommendationInputException>(() => ModelShape.ForParameters(7e9, 8e9));
        }

        [Fact]
        public void Fp4_weights_count_their_scales_and_a_minimum_precision_drops_the_smaller_formats()
        {
            Assert.Equal(4.5 / 8, MemoryEstimator.BytesPerWeight(ModelPrecision.FP4)); // NVFP4: E4M3 scale per 16
            Assert.Equal(4.25 / 8, MemoryEstimator.BytesPerWeight(ModelPrecision.MXFP4)); // MXFP4: E8M0 scale per 32
            var query = new MemoryQuery(Preset("Llama-3.3-70B"));
            Assert.Equal(new[] { "BF16", "FP8", "INT8" }, MemoryEstimator.Methods(query, null, ModelPrecision.INT8).Select(m => m.Method));
            Assert.Equal(new[] { "BF16", "FP8", "INT8", "INT4" }, MemoryEstimator.Methods(query, null, null).Select(m => m.Method));
            Assert.Equal(new[] { "FP4", "INT4" },
                MemoryEstimator.Methods(new MemoryQuery(Preset("Llama-3.3-70B")) { Precision = ModelPrecision.FP4 }, null, null)
                    .Select(m => m.Method));
            var training = new MemoryQuery(Preset("Llama-3.1-8B")) { Training = true };
            Assert.Equal(new[] { "LoRA BF16" }, MemoryEstimator.Methods(training, TrainingMethod.LoRA, null).Select(m => m.Method));
            Assert.Equal(new[] { "Full BF16", "LoRA BF16" },
                MemoryEstimator.Methods(training, null, ModelPrecision.BF16).Select(m => m.Method));
        }

        [Fact]
        public void Flux_and_sdxl_count_their_text_encoders_and_vae()
        {
            MemoryEstimate flux = Serve("FLUX.1-dev", ModelPrecision.BF16, 1024);
            Near(33, flux.WeightsGB, 0.05, FluxVram); // 12B transformer + 4.9B text encoders at 2 B
            Near(33, flux.TotalGB, 0.20, FluxVram);
            Assert.Contains("with each part moved to the GPU only while it runs", flux.Formula);
            Assert.True(Serve("FLUX.1-dev", ModelPrecision.FP8, 1024).TotalGB <= 24); // FP8 FLUX on a 24 GB card
            MemoryEstimate sdxl = Serve("SDXL", ModelPrecision.FP16, 1024);
            Assert.InRange(sdxl.TotalGB, 8, 12); // 3.5B parameters at 2 B and the VAE decode of a 1024 px image
            MemoryEstimate lora = Train("FLUX.1-dev", TrainingMethod.QLoRA, 1024);
            Assert.True(lora.TotalGB <= 24, lora.Formula); // NF4 QLoRA of FLUX on one 24 GB card
            Assert.True(Train("SDXL", TrainingMethod.Full, 1024).TotalGB > 40);
        }
    }
}
