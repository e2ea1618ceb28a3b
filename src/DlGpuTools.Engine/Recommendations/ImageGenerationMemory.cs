using System;
using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Memory of a diffusion pipeline (SDXL, FLUX.1): its denoiser, text encoders and VAE, for generating or training
    /// at an image side of ContextLength pixels (1024 when a text context such as 4096 is passed).
    /// - Inference: the denoiser at the asked format; the text encoders 16-bit, or FP8 when the denoiser is 8-bit or
    ///   smaller (as FP8 T5 files are used with FP8/NF4 FLUX); the VAE 16-bit. All resident together; with a
    ///   pipeline that moves each part to the GPU only while it runs (diffusers' model CPU offload) the peak falls
    ///   to the largest part, stated in the formula. Activations: one block's (tokens x width x 34 B, tokens doubled
    ///   under classifier-free guidance) and the VAE decode of each image: about 10 live tensors of 128 channels at
    ///   full resolution in 16-bit (derived from the decoder's last up-block, not measured).
    /// - Training (of the denoiser; text encoders and VAE frozen and resident): full, LoRA or QLoRA state as for
    ///   language models, and checkpointed activations over the denoiser's tokens.
    /// </summary>
    internal static class ImageGenerationMemory
    {
        /// <summary>Image side used when the context given is a text length rather than pixels.</summary>
        public const int DefaultSide = 1024;

        public static MemoryEstimate Estimate(MemoryQuery query)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            ModelShape shape = query.Shape;
            DiffusionParts parts = shape.Diffusion ?? throw new ArgumentException($"{shape.Name} is not an image-generation model.",
                nameof(query));
            int side = query.ContextLength >= 256 && query.ContextLength <= 4096
                && query.ContextLength % 64 == 0 ? query.ContextLength : DefaultSide;
            if (query.ContextLength == 4096) side = DefaultSide; // the text default of -ContextLength, not a 4096 px image
            double tokens = parts.Tokens(side);
            double vaeDecode = query.BatchSize * 10.0 * 128 * side * side * 2 / 1e9;
            double vae = parts.VaeParameters * 2 / 1e9;
            return query.Training ? Training(query, shape, parts, side, tokens, vae) : Inference(query, shape, parts, side, tokens, vae,
                vaeDecode);
        }

        private static MemoryEstimate Inference(MemoryQuery q, ModelShape shape, DiffusionParts parts, int side, double tokens, double vae,
            double vaeDecode)
        {
            double b = MemoryEstimator.BytesPerWeight(q.Precision);
            double denoiser = shape.Parameters * b / 1e9;
            double textBytes = b < 2 ? 1 : 2;
            double text = parts.TextEncoderParameters * textBytes / 1e9;
            double live = tokens * (parts.ClassifierFreeGuidance ? 2 : 1) * q.BatchSize * shape.Width * 34 / 1e9;
            double work = denoiser * MemoryEstimator.InferenceWorkspaceShare + live + vaeDecode;
            double weights = denoiser + text + vae;
            double total = weights + work + MemoryEstimator.CudaOverheadGB;
            double offloadedPeak = Math.Max(denoiser + denoiser * MemoryEstimator.InferenceWorkspaceShare + live, Math.Max(text,
                vae + vaeDecode)) + MemoryEstimator.CudaOverheadGB;
            return new MemoryEstimate
            {
                Parameters = shape.Parameters,
                ActiveParameters = shape.Parameters,
                Model = shape.Id,
                ServedPrecision = q.Precision,
                Precision = q.Precision.ToString(),
                BytesPerParameter = b,
                WeightsGB = MemoryEstimator.Round(weights),
                ActivationsGB = MemoryEstimator.Round(work),
                OverheadGB = MemoryEstimator.CudaOverheadGB,
                ContextLength = side,
                BatchSize = q.BatchSize,
                ShardedGB = weights + work,
                PerCardFixedGB = MemoryEstimator.CudaOverheadGB,
                TotalGB = MemoryEstimator.Round(total),
                Offload = q.Offload.ToString(),
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0} image generation at {1} px x {2}: denoiser {3:0.##e0} x {4} B = {5:0.0} GB + text encoders {6:0.0} GB ({7}) + "
                        + "VAE {8:0.0} GB"
                    + " + {9:0.0} GB activations and workspace (incl. {10:0.0} GB VAE decode) + {11} GB CUDA context = {12:0.0} GB;"
                    + " {13:0.0} GB with each part moved to the GPU only while it runs ({14})",
                    q.Precision, side, q.BatchSize, shape.Parameters, MemoryEstimator.Num(b), denoiser, text,
                        textBytes < 2 ? "FP8" : "BF16", vae,
                    work, vaeDecode, MemoryEstimator.Num(MemoryEstimator.CudaOverheadGB), total, offloadedPeak, shape.Describe()),
            };
        }

        private static MemoryEstimate Training(MemoryQuery q, ModelShape shape, DiffusionParts parts, int side, double tokens, double vae)
        {
            double moments = MemoryEstimator.OptimizerBytes(q.Optimizer);
            bool offload = (q.Offload & OffloadKind.OptimizerState) != 0;
            double weightBytes;
            double trained;
            double stateBytes;
            string method;
            switch (q.Method)
            {
                case TrainingMethod.Full:
                    if (MemoryEstimator.Fidelity(q.Precision) < MemoryEstimator.Fidelity(ModelPrecision.BF16))
                        throw new RecommendationInputException(
                            $"Full training in {q.Precision} is not estimated: train in BF16 (full or LoRA), or use QLoRA.",
                            "Train in BF16 (full or -Method LoRA), or use -Method QLoRA.");
                    weightBytes = MemoryEstimator.BytesPerWeight(q.Precision);
                    trained = shape.Parameters;
                    stateBytes = weightBytes + (offload ? 0 : moments + (weightBytes < 4 ? 4 : 0));
                    method = "Full " + q.Precision;
                    break;
                case TrainingMethod.LoRA:
                    weightBytes = 2;
                    trained = shape.Parameters * MemoryEstimator.AdapterShare;
                    stateBytes = 4 + (offload ? 0 : moments + 4);
                    method = "LoRA BF16";
                    break;
                default:
                    weightBytes = MemoryEstimator.Nf4BytesPerParameter;
                    trained = shape.Parameters * MemoryEstimator.AdapterShare;
                    stateBytes = 4 + (offload ? 0 : moments + 4);
                    method = "QLoRA NF4";
                    break;
            }

            double weights = shape.Parameters * weightBytes / 1e9;
            double state = trained * stateBytes / 1e9;
            double host = offload ? trained * (moments + 8) / 1e9 : 0;
            double frozen = parts.TextEncoderParameters * 2 / 1e9 + vae;
            double activations = q.BatchSize * (shape.Layers * tokens * shape.Width * 2 + tokens * shape.Width * 34) / 1e9;
            double sharded = weights + state + frozen;
            double total = sharded + activations + MemoryEstimator.CudaOverheadGB;
            return new MemoryEstimate
            {
                Parameters = shape.Parameters,
                ActiveParameters = shape.Parameters,
                Model = shape.Id,
                TrainingLabel = method,
                Precision = (q.Method == TrainingMethod.QLoRA ? ModelPrecision.INT4 : q.Method == TrainingMethod.LoRA
                    ? ModelPrecision.BF16 : q.Precision).ToString(),
                Training = true,
                BytesPerParameter = weightBytes,
                WeightsGB = MemoryEstimator.Round(weights + frozen),
                TrainingStateGB = MemoryEstimator.Round(state),
                ActivationsGB = MemoryEstimator.Round(activations),
                OverheadGB = MemoryEstimator.CudaOverheadGB,
                ContextLength = side,
                BatchSize = q.BatchSize,
                ShardedGB = sharded,
                PerCardFixedGB = activations + MemoryEstimator.CudaOverheadGB,
                TotalGB = MemoryEstimator.Round(total),
                Optimizer = q.Optimizer.ToString(),
                Offload = q.Offload.ToString(),
                HostMemoryGB = MemoryEstimator.Round(host),
                SpeedFactor = q.Method == TrainingMethod.QLoRA ? MemoryEstimator.QLoRASpeedFactor : 1,
                TrainsAllWeights = q.Method == TrainingMethod.Full,
                Formula = string.Format(CultureInfo.InvariantCulture,
                    "{0} of the denoiser at {1} px x {2}: {3:0.0} GB weights + {4:0.0} GB trained state ({5}) + {6:0.0} GB frozen text "
                        + "encoders and VAE (BF16; 0 if their"
                    + " outputs are cached beforehand) + {7:0.0} GB activations ({8:0} tokens an image, gradient checkpointing) + {9} GB "
                        + "CUDA context = {10:0.0} GB ({11})",
                    method, side, q.BatchSize, weights, state, q.Optimizer, frozen, activations, tokens,
                        MemoryEstimator.Num(MemoryEstimator.CudaOverheadGB), total, shape.Describe()),
            };
        }
    }
}
