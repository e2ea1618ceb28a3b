using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Memory for a model (GB = 10^9 bytes), per method, from its shape (a -Model preset, or the nearest published
    /// shape for a bare parameter count):
    /// - Full fine-tuning with Adam: weights + gradients + two FP32 moments (+ FP32 master weights in mixed
    ///   precision): 2+2+8+4 = 16 B a parameter in BF16/FP16, 4+4+8 = 16 in FP32. bitsandbytes 8-bit Adam keeps
    ///   each moment in 1 byte with block-wise scales (Dettmers et al., "8-bit Optimizers via Block-wise
    ///   Quantization", arXiv 2110.02861, 2021): 2 B instead of 8. Paged optimizers (QLoRA paper) hold the same
    ///   state in unified memory that pages to the host under a spike: same size, no out-of-memory at peaks.
    /// - Optimizer offload (ZeRO-Offload, arXiv 2101.06840, 2021): FP32 master weights, moments and FP32 gradients
    ///   live in host memory and the CPU steps them; the GPU keeps 16-bit weights and gradients.
    /// - LoRA: frozen BF16 weights (2 B) + adapters of 0.5% of the (active) parameters with their own gradients
    ///   and optimizer state. QLoRA: the same on a 4-bit NF4 base with double quantization (4.127 bits = 0.516 B
    ///   a parameter; QLoRA paper, arXiv 2305.14314); for a preset its embeddings and output head stay 16-bit, as
    ///   bitsandbytes quantizes linear layers only.
    /// - Training activations with gradient checkpointing: each layer's input (L x tokens x d x 2 B), one
    ///   layer recomputed in full (tokens x d x 34 B; Korthikanti et al. 2022, arXiv 2205.05198), and, only where
    ///   the model has a trained LM head, the logits and their gradient in FP32 (2 x tokens x vocabulary x 4 B).
    ///   Attention scores are not stored (FlashAttention / SDPA).
    /// - Inference: weights at the format's bytes (scales included; see BytesPerWeight) + KV cache (2 x layers x KV
    ///   heads x head size x KV bytes x tokens; sliding-window layers cache only their window; DeepSeek's MLA one
    ///   latent of 576 a token and layer) + 5% of the weights for activations and workspace.
    /// - Every card: 0.5 GB for its CUDA context.
    /// </summary>
    internal static class MemoryEstimator
    {
        public const double CudaOverheadGB = 0.5;
        public const double AdapterShare = 0.005;
        public const double Nf4BytesPerParameter = 0.516;
        public const double InferenceWorkspaceShare = 0.05;

        /// <summary>The Llama 3 vocabulary (for callers that estimate one shape).</summary>
        public const int VocabularySize = 128256;

        /// <summary>
        /// QLoRA trains at this share of LoRA's speed on the same card: the 4-bit base is dequantized in every
        /// forward and backward pass. Measured: Llama 2 7B on an A100, LoRA 1.85 h against QLoRA 2.79 h
        /// (S. Raschka, "Practical Tips for Finetuning LLMs Using LoRA", 2023-11-19,
        /// https://magazine.sebastianraschka.com/p/practical-tips-for-finetuning-llms): 1.85 / 2.79 = 0.66.
        /// </summary>
        public const double QLoRASpeedFactor = 0.66;

        /// <summary>The methods to try, most faithful first: full then LoRA then QLoRA for training; the asked precision then smaller ones
        /// for inference.</summary>
        public static IReadOnlyList<MemoryEstimate> Methods(double parameters, ModelPrecision precision, bool training, int context,
            int batch)
        {
            Check(parameters, context, batch);
            var query = new MemoryQuery(ModelShape.ForParameters(parameters)) { Training = training, Precision = precision,
                ContextLength = context, BatchSize = batch };
            if (training && precision == ModelPrecision.INT4) return new[] { Estimate(With(query, TrainingMethod.QLoRA)) };
            return Methods(query, null, null);
        }

        /// <summary>
        /// The methods <paramref name="query"/>'s model can run by, most faithful first. Training: full (at the
        /// query's precision), LoRA, QLoRA, or only <paramref name="method"/> when given. Inference: the query's
        /// precision then each smaller format down to <paramref name="minimumPrecision"/> (INT4 when not given);
        /// FP4 and MXFP4 are listed only when asked for or native to the model, since their speed needs
        /// Blackwell's FP4 tensor cores (MXFP4 weight-only kernels also run on Hopper).
        /// </summary>
        public static IReadOnlyList<MemoryEstimate> Methods(MemoryQuery query, TrainingMethod? method, ModelPrecision? minimumPrecision)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            int floor = minimumPrecision is ModelPrecision m ? Fidelity(m) : 0;
            var list = new List<MemoryEstimate>();
            if (query.Training)
            {
                TrainingMethod[] order = method is TrainingMethod only ? new[] { only } : new[] { TrainingMethod.Full, TrainingMethod.LoRA,
                    TrainingMethod.QLoRA };
                foreach (TrainingMethod t in order)
                {
                    if (t == TrainingMethod.QLoRA && floor > Fidelity(ModelPrecision.INT4) && method == null) continue;
                    list.Add(Estimate(With(query, t)));
                }

                return list;
            }

            ModelPrecision[] formats =
            {
                ModelPrecision.FP32, ModelPrecision.TF32, ModelPrecision.BF16, ModelPrecision.FP16, ModelPrecision.FP8,
                ModelPrecision.INT8, ModelPrecision.MXFP4, ModelPrecision.FP4, ModelPrecision.INT4,
            };
            int start = Array.IndexOf(formats, query.Precision);
            for (int i = start; i < formats.Length; i++)
            {
                ModelPrecision p = formats[i];
                if (i > start && (p == ModelPrecision.FP16 || p == ModelPrecision.TF32)) continue; // same size as the one before
                bool fp4 = p == ModelPrecision.FP4 || p == ModelPrecision.MXFP4;
                if (i > start && fp4 && query.Shape.NativePrecision != p) continue;
                if (Fidelity(p) < floor) continue;
                var q = new MemoryQuery(query.Shape)
                {
                    Precision = p, KvCachePrecision = query.KvCachePrecision, Offload = query.Offload,
                    ContextLength = query.ContextLength, BatchSize = query.BatchSize,
                };
                list.Add(Estimate(q));
            }

            return list;
        }

        /// <summary>
        /// The methods a recommendation request's model runs by, most faithful first; empty without a model. A preset
        /// (-Model) gives the shape; a bare count borrows the nearest one. The format a preset ships in (FP8 for
        /// DeepSeek-V3, MXFP4 for gpt-oss) is among those listed whenever it is at or below the asked precision.
        /// </summary>
        public static IReadOnlyList<MemoryEstimate> MethodsFor(RecommendationRequest request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            ModelShape? shape = ShapeFor(request);
            if (shape == null) return Array.Empty<MemoryEstimate>();
            var query = new MemoryQuery(shape)
            {
                Training = request.IsTraining, Precision = request.Precision, KvCachePrecision = request.KvCachePrecision,
                Optimizer = request.Optimizer, Offload = request.Offload, ContextLength = request.ContextLength,
                    BatchSize = request.BatchSize,
            };
            if (query.Training && request.Method == null && request.Precision == ModelPrecision.INT4) return new[] { Estimate(With(query,
                TrainingMethod.QLoRA)) };
            return Methods(query, request.Method, request.MinimumPrecision);
        }

        /// <summary>The request's model shape: the -Model preset, or the nearest shape for -ModelParameters (and -ActiveParameters); null
        /// without either.</summary>
        public static ModelShape? ShapeFor(RecommendationRequest request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (request.ModelShape != null) return request.ModelShape;
            if (!string.IsNullOrWhiteSpace(request.Model))
            {
                return ModelPresets.Find(request.Model)
                    ?? throw new RecommendationInputException(
                        $"No model preset is named '{request.Model}'. Known: " + string.Join(", ", ModelPresets.Names) + ".",
                        "Name a preset (Tab completes -Model), or give -ModelParameters (and -ActiveParameters for a mixture of experts).",
                            ErrorCatalogue.ModelPresetNotFound);
            }

            return request.ModelParameters is double p ? ModelShape.ForParameters(p, request.ActiveParameters) : null;
        }

        /// <summary>One estimate: the query's method (training) or precision (inference), with its breakdown and formula.</summary>
        public static MemoryEstimate Estimate(MemoryQuery query)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            Check(query.Shape.Parameters, query.ContextLength, query.BatchSize);
            if (query.Shape.Task == ModelTask.ImageGeneration) return ImageGenerationMemory.Estimate(query);
            if ((query.Offload & OffloadKind.Experts) != 0 && !query.Shape.IsMixtureOfExperts)
                throw new RecommendationInputException(
                    $"{query.Shape.Name} has no routed experts to offload: expert offload is for mixture-of-experts models (give "
                        + $"-ActiveParameters or a MoE -Model).", "Drop -Offload Experts, or give -ActiveParameters for a "
                            + "mixture-of-experts model.");
            return query.Training ? Training(query) : Inference(query);
        }

        public static MemoryEstimate Full(double parameters, ModelPrecision precision, int context, int batch) =>
            Estimate(new MemoryQuery(ModelShape.ForParameters(parameters)) { Training = true, Method = TrainingMethod.Full,
                Precision = precision, ContextLength = context, BatchSize = batch });

        public static MemoryEstimate LoRA(double parameters, int context, int batch) =>
            Estimate(new MemoryQuery(ModelShape.ForParameters(parameters)) { Training = true, Method = TrainingMethod.LoRA,
                ContextLength = context, BatchSize = batch });

        public static MemoryEstimate QLoRA(double parameters, int context, int batch) =>
            Estimate(new MemoryQuery(ModelShape.ForParameters(parameters)) { Training = true, Method = TrainingMethod.QLoRA,
                ContextLength = context, BatchSize = batch });

        public static MemoryEstimate Inference(double parameters, ModelPrecision precision, int context, int batch) =>
            Estimate(new MemoryQuery(ModelShape.ForParameters(parameters)) { Precision = precision, ContextLength = context,
                BatchSize = batch });

        /// <summary>
        /// Bytes read from GPU memory for one decode step of <paramref name="batch"/> sequences at
        /// <paramref name="context"/> tokens: the active weights (one embedding row is negligible; the output head
        /// is read whole) and every cached key and value. With several sequences a mixture of experts reads more
        /// experts than one token's; this counts one token's (exact for a single stream).
        /// </summary>
        public static double BytesPerDecodedToken(ModelShape shape, ModelPrecision precision, ModelPrecision? kvCachePrecision,
            int context, int batch = 1)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            var q = new MemoryQuery(shape) { Precision = precision, KvCachePrecision = kvCachePrecision, ContextLength = context,
                BatchSize = batch };
            return Estimate(q).BytesPerDecodedToken;
        }

        /// <summary>Bytes a stored weight takes, scales included.</summary>
        /// <remarks>
        /// INT8: 8 bits + an FP16 scale per 32 (llama.cpp Q8_0, 8.5 bits). INT4: 4 bits + scales, 4.5 bits (llama.cpp
        /// Q4_0; GPTQ/AWQ at group 128 are about 4.16, Q4_K_M 4.84). FP8: per-tensor or 128x128-block scales, a
        /// negligible share. NVFP4: an FP8 E4M3 scale per 16 values, 4.5 bits (NVIDIA, "Introducing NVFP4 for
        /// Efficient and Accurate Low-Precision Inference", 2025-06-24,
        /// https://developer.nvidia.com/blog/introducing-nvfp4-for-efficient-and-accurate-low-precision-inference/).
        /// MXFP4: an E8M0 scale per 32 values, 4.25 bits (OCP Microscaling Formats v1.0, 2023-09,
        /// https://www.opencompute.org/documents/ocp-microscaling-formats-mx-v1-0-spec-final-pdf).
        /// </remarks>
        public static double BytesPerWeight(ModelPrecision precision)
        {
            switch (precision)
            {
                case ModelPrecision.FP32:
                case ModelPrecision.TF32: return 4;
                case ModelPrecision.FP16:
                case ModelPrecision.BF16: return 2;
                case ModelPrecision.FP8: return 1;
                case ModelPrecision.INT8: return 1.0625;
                case ModelPrecision.INT4: return 0.5625;
                case ModelPrecision.FP4: return 0.5625;
                case ModelPrecision.MXFP4: return 0.53125;
                default: throw new ArgumentOutOfRangeException(nameof(precision));
            }
        }

        /// <summary>Optimizer bytes per trained parameter (moments only).</summary>
        public static double OptimizerBytes(OptimizerKind optimizer) =>
            optimizer == OptimizerKind.AdamW8bit || optimizer == OptimizerKind.PagedAdamW8bit ? 2 : 8;

        private static string OptimizerText(OptimizerKind optimizer)
        {
            switch (optimizer)
            {
                case OptimizerKind.AdamW8bit: return "8-bit Adam";
                case OptimizerKind.PagedAdamW: return "paged Adam";
                case OptimizerKind.PagedAdamW8bit: return "paged 8-bit Adam";
                default: return "Adam";
            }
        }

        /// <summary>How close a format stays to the 16-bit model: a minimum precision keeps formats at or above it.</summary>
        public static int Fidelity(ModelPrecision precision)
        {
            switch (precision)
            {
                case ModelPrecision.FP32:
                case ModelPrecision.TF32: return 5;
                case ModelPrecision.FP16:
                case ModelPrecision.BF16: return 4;
                case ModelPrecision.FP8:
                case ModelPrecision.INT8: return 3;
                default: return 1;
            }
        }

        private static MemoryEstimate Inference(MemoryQuery q)
        {
            ModelShape shape = q.Shape;
            double b = BytesPerWeight(q.Precision);
            ModelPrecision kvPrecision = q.KvCachePrecision ?? ModelPrecision.BF16;
            double kvb = BytesPerWeight(kvPrecision);
            double weights = WeightsGB(shape, q.Precision, shape.Parameters, shape.ExpertParameters);
            double experts = (q.Offload & OffloadKind.Experts) != 0 ? shape.ExpertParameters * b / 1e9 : 0;
            double gpuWeights = weights - experts;
            bool generates = shape.Task == ModelTask.CausalLM;
            double kvPerSequence = generates ? KvBytesPerSequence(shape, q.ContextLength, kvb) : 0;
            double kv = kvPerSequence * q.BatchSize / 1e9;
            double inputTokens = Tokens(shape, q);
            double work = gpuWeights * InferenceWorkspaceShare + (generates ? 0 : inputTokens * shape.Width * 34 / 1e9);
            bool latent = shape.KvLatentSize > 0; // tensor parallelism replicates the MLA latent on every card (vLLM)
            double sharded = gpuWeights + (latent ? 0 : kv) + work;
            double fixedPerCard = CudaOverheadGB + (latent ? kv : 0);

            double activeExperts = shape.IsMixtureOfExperts ? Math.Max(0,
                shape.ActiveParameters - (shape.Parameters - shape.ExpertParameters)) : 0;
            double inputEmbedding = shape.IsPreset && !shape.TiedEmbeddings ? (double)shape.Vocabulary * shape.Width : 0;
            double activeBytes = WeightsGB(shape, q.Precision, shape.ActiveParameters - inputEmbedding, activeExperts,
                headOnly: inputEmbedding > 0) * 1e9;
            double hostBytes = experts > 0 ? activeExperts * b : 0;

            string kvText = !generates ? "no KV cache (encoder)"
                : string.Format(CultureInfo.InvariantCulture, "{0:0.0} GB {1} KV cache ({2} tokens x {3} sequence(s){4})",
                    kv, kvPrecision, q.ContextLength, q.BatchSize,
                        latent ? ", MLA latent, whole on every card" : shape.SlidingWindowLayers > 0
                        ? string.Format(CultureInfo.InvariantCulture, ", {0} layers windowed to {1}", shape.SlidingWindowLayers,
                        shape.SlidingWindow) : string.Empty);
            string offload = experts > 0 ? string.Format(CultureInfo.InvariantCulture, " (routed experts {0:0.0} GB in host memory)",
                experts) : string.Empty;
            return new MemoryEstimate
            {
                Parameters = shape.Parameters,
                ActiveParameters = shape.ActiveParameters,
                Model = shape.Id,
                ServedPrecision = q.Precision,
                Precision = q.Precision.ToString(),
                Training = false,
                BytesPerParameter = b,
                WeightsGB = Round(gpuWeights),
                KvCacheGB = Round(kv),
                KvCachePrecision = kvPrecision.ToString(),
                ActivationsGB = Round(work),
                OverheadGB = CudaOverheadGB,
                ContextLength = q.ContextLength,
                BatchSize = q.BatchSize,
                ShardedGB = sharded,
                PerCardFixedGB = fixedPerCard,
                TotalGB = Round(sharded + fixedPerCard),
                Offload = q.Offload.ToString(),
                HostMemoryGB = Round(experts),
                BytesPerDecodedToken = generates ? activeBytes - hostBytes + kvPerSequence * q.BatchSize : 0,
                HostBytesPerDecodedToken = hostBytes,
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0} inference: {1} = {2:0.0} GB weights{3} + {4} + {5:0.0} GB workspace + {6} GB CUDA context = {7:0.0} GB ({8})",
                    q.Precision, WeightText(shape, b), gpuWeights, offload, kvText, work, Num(CudaOverheadGB), sharded + fixedPerCard,
                        shape.Describe()),
            };
        }

        private static MemoryEstimate Training(MemoryQuery q)
        {
            ModelShape shape = q.Shape;
            ModelPrecision precision = q.Method == TrainingMethod.Full ? q.Precision : q.Method == TrainingMethod.QLoRA
                ? ModelPrecision.INT4 : ModelPrecision.BF16;
            if (q.Method == TrainingMethod.Full && Fidelity(precision) < Fidelity(ModelPrecision.BF16))
                throw new RecommendationInputException(
                    $"Full training in {precision} is not estimated: train in BF16 (full or LoRA), or pass -Precision INT4 for QLoRA on "
                        + $"a 4-bit base.", "Train in BF16 (full or -Method LoRA), or use -Method QLoRA for 4-bit.");

            double moments = OptimizerBytes(q.Optimizer);
            bool offload = (q.Offload & OffloadKind.OptimizerState) != 0;
            double weightBytes;
            double trained;
            string what;
            double stateBytes; // per trained parameter, on the GPU
            double hostBytes; // per trained parameter, in host memory
            if (q.Method == TrainingMethod.Full)
            {
                weightBytes = BytesPerWeight(precision);
                bool mixed = precision != ModelPrecision.FP32 && precision != ModelPrecision.TF32;
                double master = mixed ? 4 : 0;
                trained = shape.Parameters;
                stateBytes = weightBytes + (offload ? 0 : moments + master);
                hostBytes = offload ? moments + master + 4 : 0;
                what = string.Format(CultureInfo.InvariantCulture, "{0} weights + {0} gradients + {1} {2} moments{3}", Num(weightBytes),
                    Num(moments), OptimizerText(q.Optimizer),
                    mixed ? " + 4 FP32 master weights" : string.Empty) + (offload
                        ? " (moments, master and FP32 gradients in host memory)" : string.Empty)
                    + " = " + Num(weightBytes + stateBytes) + " B/param" + (offload ? " on the GPU" : string.Empty);
            }
            else
            {
                weightBytes = q.Method == TrainingMethod.QLoRA ? Nf4BytesPerParameter : 2;
                trained = (shape.IsMixtureOfExperts ? shape.ActiveParameters : shape.Parameters) * AdapterShare;
                stateBytes = 2 + 2 + (offload ? 0 : moments + 4);
                hostBytes = offload ? moments + 4 + 4 : 0;
                what = string.Format(CultureInfo.InvariantCulture, "{0} {1} weights + adapters of 0.5% of the {2}parameters x {3} B ({4})",
                    q.Method == TrainingMethod.QLoRA ? "0.516 B/param 4-bit NF4" : "2 B/param frozen BF16",
                        q.Method == TrainingMethod.QLoRA && shape.IsPreset ? "(embeddings and head 16-bit)" : string.Empty,
                    shape.IsMixtureOfExperts ? "active " : string.Empty, Num(stateBytes), q.Optimizer);
            }

            double weights = q.Method == TrainingMethod.QLoRA ? WeightsGB(shape, shape.Parameters,
                weightBytes) : shape.Parameters * weightBytes / 1e9;
            double state = trained * stateBytes / 1e9;
            double host = trained * hostBytes / 1e9;
            double tokens = Tokens(shape, q);
            double logits = shape.HasLmHead ? 2 * tokens * shape.Vocabulary * 4 / 1e9 : 0;
            double activations = (shape.Layers * tokens * shape.Width * 2 + tokens * shape.Width * 34) / 1e9 + logits;
            double modelState = weights + state;
            string method = q.Method == TrainingMethod.Full ? "Full " + precision : q.Method == TrainingMethod.LoRA
                ? "LoRA BF16" : "QLoRA NF4";
            string logitText = shape.HasLmHead
                ? string.Format(CultureInfo.InvariantCulture, "incl. {0:0.0} GB FP32 logits over {1} tokens", logits, shape.Vocabulary)
                : "no vocabulary logits";
            return new MemoryEstimate
            {
                Parameters = shape.Parameters,
                ActiveParameters = shape.ActiveParameters,
                Model = shape.Id,
                TrainingLabel = method,
                Precision = precision.ToString(),
                Training = true,
                BytesPerParameter = weightBytes,
                WeightsGB = Round(weights),
                TrainingStateGB = Round(state),
                ActivationsGB = Round(activations),
                LogitsGB = Round(logits),
                OverheadGB = CudaOverheadGB,
                ContextLength = q.ContextLength,
                BatchSize = q.BatchSize,
                ShardedGB = modelState,
                PerCardFixedGB = activations + CudaOverheadGB,
                TotalGB = Round(modelState + activations + CudaOverheadGB),
                Optimizer = q.Optimizer.ToString(),
                Offload = q.Offload.ToString(),
                HostMemoryGB = Round(host),
                SpeedFactor = q.Method == TrainingMethod.QLoRA ? QLoRASpeedFactor : 1,
                TrainsAllWeights = q.Method == TrainingMethod.Full,
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0}: {1:0.##e0} parameters x ({2}) = {3:0.0} GB{4} + {5:0.0} GB activations ({6:0} tokens x {7} sequence(s), "
                        + "gradient checkpointing, {8}) + {9} GB CUDA context = {10:0.0} GB ({11})",
                    method, shape.Parameters, what, modelState, host > 0 ? string.Format(CultureInfo.InvariantCulture,
                        " (+{0:0.0} GB host memory)", host) : string.Empty,
                    activations, tokens / q.BatchSize, q.BatchSize, logitText, Num(CudaOverheadGB),
                        modelState + activations + CudaOverheadGB, shape.Describe()),
            };
        }

        /// <summary>Weights of <paramref name="parameters"/> in <paramref name="precision"/>, of which <paramref name="experts"/> are
        /// routed-expert weights.</summary>
        private static double WeightsGB(ModelShape shape, ModelPrecision precision, double parameters, double experts,
            bool headOnly = false)
        {
            double bytes = BytesPerWeight(precision);
            // gpt-oss ships only its routed experts in MXFP4; attention, router and embeddings stay BF16 (arXiv 2508.10925).
            if (shape.IsPreset && precision == ModelPrecision.MXFP4
                && experts > 0) return (experts * bytes + (parameters - experts) * 2) / 1e9;
            return WeightsGB(shape, parameters, bytes, headOnly);
        }

        /// <summary>
        /// Weights of <paramref name="parameters"/> at <paramref name="bytes"/> each; for a preset in a quantized
        /// format the embeddings and output head stay 16-bit (quantizers leave them so). With
        /// <paramref name="headOnly"/> the count already excludes the input embedding and holds only the head.
        /// </summary>
        private static double WeightsGB(ModelShape shape, double parameters, double bytes, bool headOnly = false)
        {
            if (!shape.IsPreset || bytes >= 2 || shape.Vocabulary == 0) return parameters * bytes / 1e9;
            double embedding = headOnly ? (double)shape.Vocabulary * shape.Width : shape.EmbeddingParameters;
            return ((parameters - embedding) * bytes + embedding * 2) / 1e9;
        }

        private static string WeightText(ModelShape shape, double bytes) =>
            shape.IsPreset && bytes < 2 && shape.Vocabulary > 0
                ? string.Format(CultureInfo.InvariantCulture, "{0:0.##e0} x {1} B + {2:0.##e0} embedding/head x 2 B",
                    shape.Parameters - shape.EmbeddingParameters, Num(bytes), shape.EmbeddingParameters)
                : string.Format(CultureInfo.InvariantCulture, "{0:0.##e0} x {1} B", shape.Parameters, Num(bytes));

        /// <summary>Bytes of keys and values one sequence of <paramref name="context"/> tokens caches.</summary>
        internal static double KvBytesPerSequence(ModelShape shape, int context, double bytes)
        {
            if (shape.KvLatentSize > 0) return (double)shape.Layers * shape.KvLatentSize * bytes * context;
            int windowed = shape.SlidingWindowLayers;
            double perToken = 2.0 * shape.KvHeads * shape.HeadSize * bytes;
            return perToken * ((shape.Layers - windowed) * (double)context + windowed * (double)Math.Min(context, shape.SlidingWindow));
        }

        private static double Tokens(ModelShape shape, MemoryQuery q) =>
            (shape.TokensPerInput > 0 ? shape.TokensPerInput : (double)q.ContextLength) * q.BatchSize;

        private static MemoryQuery With(MemoryQuery q, TrainingMethod method) =>
            new MemoryQuery(q.Shape)
            {
                Training = true, Method = method, Precision = q.Precision, KvCachePrecision = q.KvCachePrecision,
                Optimizer = q.Optimizer, Offload = q.Offload, ContextLength = q.ContextLength, BatchSize = q.BatchSize,
            };

        private static void Check(double parameters, int context, int batch)
        {
            if (parameters <= 0 || double.IsNaN(parameters) || double.IsInfinity(parameters))
                throw new RecommendationInputException("The parameter count must be a positive number, such as 7e9.",
                    "Give a positive parameter count (-ModelParameters 7e9), or a preset (-Model; Tab lists them).");
            if (context < 1 || batch < 1) throw new RecommendationInputException("Context length and batch size must be at least 1.",
                "Give -ContextLength and -BatchSize of 1 or more.");
        }

        internal static double Round(double gb) => Math.Round(gb, 1);

        internal static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
