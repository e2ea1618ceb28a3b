using System;
using System.Collections.Generic;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Memory for a model of N parameters (GB = 10^9 bytes), per method:
    /// - Full fine-tuning with Adam: weights + gradients + two FP32 moments (+ FP32 master weights in
    ///   mixed precision): 2+2+8+4 = 16 B a parameter in BF16/FP16, 4+4+8 = 16 in FP32.
    /// - LoRA: frozen BF16 weights (2 B) + adapters of 0.5% of the parameters with their own gradients
    ///   and Adam state (16 B each). QLoRA: the same on a 4-bit NF4 base with double quantization
    ///   (4.127 bits = 0.516 B a parameter; QLoRA paper, arXiv 2305.14314).
    /// - Training activations with gradient checkpointing: each layer's input (L x tokens x d x 2 B), one
    ///   layer recomputed in full (tokens x d x 34 B; Korthikanti et al. 2022), and the logits and their
    ///   gradient in FP32 (2 x tokens x 128,256 x 4 B, the Llama 3 vocabulary); tokens = context x batch.
    /// - Inference: weights at 2 (BF16/FP16), 1 (FP8), 1.0625 (INT8 with scales) or 0.5625 B (4-bit with
    ///   group scales, as GPTQ/AWQ; llama.cpp Q4_K_M is about 0.6) + KV cache (2 x L x KV heads x head
    ///   size x 2 B x tokens) + 5% of the weights for activations and workspace.
    /// - Every card: 0.5 GB for its CUDA context.
    /// Layer count, width and KV heads come from the Llama-3-style model of the nearest size (ModelShape).
    /// </summary>
    public static class MemoryEstimator
    {
        public const double CudaOverheadGB = 0.5;
        public const double AdapterShare = 0.005;
        public const double Nf4BytesPerParameter = 0.516;
        public const double InferenceWorkspaceShare = 0.05;
        public const int VocabularySize = 128256;

        /// <summary>The methods to try, most faithful first: full then LoRA then QLoRA for training; the asked precision then smaller ones for inference.</summary>
        public static IReadOnlyList<MemoryEstimate> Methods(double parameters, ModelPrecision precision, bool training, int context, int batch)
        {
            var list = new List<MemoryEstimate>();
            if (training)
            {
                if (precision == ModelPrecision.INT4) return new[] { QLoRA(parameters, context, batch) };
                list.Add(Full(parameters, precision, context, batch));
                list.Add(LoRA(parameters, context, batch));
                list.Add(QLoRA(parameters, context, batch));
                return list;
            }

            ModelPrecision[] order = { ModelPrecision.FP32, ModelPrecision.TF32, ModelPrecision.BF16, ModelPrecision.FP16, ModelPrecision.FP8, ModelPrecision.INT8, ModelPrecision.INT4 };
            int start = Array.IndexOf(order, precision);
            for (int i = start; i < order.Length; i++)
            {
                if (i > start && (order[i] == ModelPrecision.FP16 || order[i] == ModelPrecision.TF32)) continue; // same size as the one before
                list.Add(Inference(parameters, order[i], context, batch));
            }

            return list;
        }

        public static MemoryEstimate Full(double parameters, ModelPrecision precision, int context, int batch)
        {
            Check(parameters, context, batch);
            if (precision == ModelPrecision.INT4 || precision == ModelPrecision.INT8 || precision == ModelPrecision.FP8)
                throw new ArgumentException($"Full training in {precision} is not estimated: train in BF16 (full or LoRA), or pass -Precision INT4 for QLoRA on a 4-bit base.", nameof(precision));
            double weight = BytesPerWeight(precision);
            bool mixed = precision != ModelPrecision.FP32 && precision != ModelPrecision.TF32;
            double state = weight + 8 + (mixed ? 4 : 0); // gradients, moments, master copy: the weights are added by Training()
            string what = $"{Num(weight)} weights + {Num(weight)} gradients + 8 Adam moments" + (mixed ? " + 4 FP32 master weights" : string.Empty);
            return Training("Full " + Short(precision), precision, parameters, weight, parameters * state / 1e9, what + " = " + Num(weight + state) + " B/param", context, batch);
        }

        public static MemoryEstimate LoRA(double parameters, int context, int batch) =>
            Training("LoRA BF16", ModelPrecision.BF16, parameters, 2, parameters * AdapterShare * 16 / 1e9, "2 B/param frozen BF16 weights + adapters of 0.5% of the parameters x 16 B", context, batch);

        public static MemoryEstimate QLoRA(double parameters, int context, int batch) =>
            Training("QLoRA NF4", ModelPrecision.INT4, parameters, Nf4BytesPerParameter, parameters * AdapterShare * 16 / 1e9, "0.516 B/param 4-bit NF4 weights + adapters of 0.5% of the parameters x 16 B", context, batch);

        public static MemoryEstimate Inference(double parameters, ModelPrecision precision, int context, int batch)
        {
            Check(parameters, context, batch);
            ModelShape shape = ModelShape.For(parameters);
            double weight = BytesPerWeight(precision);
            double weights = parameters * weight / 1e9;
            double kv = 2.0 * shape.Layers * shape.KvHeads * shape.HeadSize * 2 * context * batch / 1e9;
            double work = weights * InferenceWorkspaceShare;
            double sharded = weights + kv + work;
            return new MemoryEstimate
            {
                Parameters = parameters,
                Method = Short(precision),
                Precision = precision.ToString(),
                Training = false,
                BytesPerParameter = weight,
                WeightsGB = Round(weights),
                KvCacheGB = Round(kv),
                ActivationsGB = Round(work),
                OverheadGB = CudaOverheadGB,
                ContextLength = context,
                BatchSize = batch,
                ShardedGB = sharded,
                PerCardFixedGB = CudaOverheadGB,
                TotalGB = Round(sharded + CudaOverheadGB),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0} inference: {1:0.##e0} x {2} B = {3:0.0} GB weights + {4:0.0} GB KV cache ({5} tokens x {6} sequence(s), {7}) + {8:0.0} GB workspace (5%) + {9} GB CUDA context = {10:0.0} GB",
                    Short(precision), parameters, Num(weight), weights, kv, context, batch, shape.Describe(), work, Num(CudaOverheadGB), sharded + CudaOverheadGB),
            };
        }

        private static MemoryEstimate Training(string method, ModelPrecision precision, double parameters, double weight, double stateGB, string what, int context, int batch)
        {
            Check(parameters, context, batch);
            ModelShape shape = ModelShape.For(parameters);
            double tokens = (double)context * batch;
            double activations = (shape.Layers * tokens * shape.Width * 2 + tokens * shape.Width * 34 + 2 * tokens * VocabularySize * 4) / 1e9;
            double weights = parameters * weight / 1e9;
            double modelState = weights + stateGB;
            return new MemoryEstimate
            {
                Parameters = parameters,
                Method = method,
                Precision = precision.ToString(),
                Training = true,
                BytesPerParameter = weight,
                WeightsGB = Round(weights),
                TrainingStateGB = Round(stateGB),
                ActivationsGB = Round(activations),
                OverheadGB = CudaOverheadGB,
                ContextLength = context,
                BatchSize = batch,
                ShardedGB = modelState,
                PerCardFixedGB = activations + CudaOverheadGB,
                TotalGB = Round(modelState + activations + CudaOverheadGB),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0}: {1:0.##e0} parameters x ({2}) = {3:0.0} GB + {4:0.0} GB activations ({5} tokens x {6} sequence(s), gradient checkpointing, {7}) + {8} GB CUDA context = {9:0.0} GB",
                    method, parameters, what, modelState, activations, context, batch, shape.Describe(), Num(CudaOverheadGB), modelState + activations + CudaOverheadGB),
            };
        }

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
                default: throw new ArgumentOutOfRangeException(nameof(precision));
            }
        }

        private static string Short(ModelPrecision precision) => precision.ToString();

        private static void Check(double parameters, int context, int batch)
        {
            if (parameters <= 0 || double.IsNaN(parameters) || double.IsInfinity(parameters))
                throw new ArgumentOutOfRangeException(nameof(parameters), "The parameter count must be a positive number, such as 7e9.");
            if (context < 1 || batch < 1) throw new ArgumentOutOfRangeException(nameof(context), "Context length and batch size must be at least 1.");
        }

        private static double Round(double gb) => Math.Round(gb, 1);

        private static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
