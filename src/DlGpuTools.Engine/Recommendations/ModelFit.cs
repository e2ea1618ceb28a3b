using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The largest common model class a card or a set of cards holds, for the Fits column: dense Llama-style models of
    /// 3B, 8B, 14B, 32B, 70B, 123B and 405B parameters (the sizes of Llama 3.2/3.1, Qwen 2.5/3, Mistral Large), served at
    /// 4 bits with 8k of context, or fine-tuned by LoRA or QLoRA at 4k. The memory comes from <see cref="MemoryEstimator"/>.
    /// </summary>
    internal static class ModelFit
    {
        public const int ServingContext = 8192;

        /// <summary>
        /// Tokens a second are stated for the class held, but at most for a 70B model: the size buyers compare home builds
        /// on, so a 4-card set that holds 123B still shows what it does with 70B (a layer split adds memory, not speed).
        /// </summary>
        public const double TokensClassParameters = 70.6e9;

        /// <summary>The label and estimate of the class that tokens a second are stated for.</summary>
        public static (string Label, double Parameters, MemoryEstimate Estimate) TokensClass(Result held) =>
            held.Parameters > TokensClassParameters
                ? ("70B Q4", TokensClassParameters, MemoryEstimator.Inference(TokensClassParameters, ModelPrecision.INT4, ServingContext,
                    1))
                : (held.Label, held.Parameters, held.Estimate);
        public const int TrainingContext = 4096;

        private static readonly KeyValuePair<string, double>[] Classes =
        {
            new KeyValuePair<string, double>("3B", 3.2e9),
            new KeyValuePair<string, double>("8B", 8.0e9),
            new KeyValuePair<string, double>("14B", 14.8e9),
            new KeyValuePair<string, double>("32B", 32.8e9),
            new KeyValuePair<string, double>("70B", 70.6e9),
            new KeyValuePair<string, double>("123B", 123e9),
            new KeyValuePair<string, double>("405B", 405e9),
        };

        /// <summary>A class and what it needs.</summary>
        public sealed class Result
        {
            public Result(string label, double parameters, MemoryEstimate estimate, int rank)
            {
                Label = label;
                Parameters = parameters;
                Estimate = estimate;
                Rank = rank;
            }

            /// <summary>"70B Q4" or "14B QLoRA".</summary>
            public string Label { get; }

            public double Parameters { get; }

            public MemoryEstimate Estimate { get; }

            /// <summary>Larger is more capable: the class's index, for ranking.</summary>
            public int Rank { get; }
        }

        /// <summary>The largest class served at 4 bits with 8k context on <paramref name="gpus"/> cards of <paramref name="memoryGB"/>;
        /// null when not even 3B fits.</summary>
        public static Result? Serving(double memoryGB, int gpus) =>
            Largest(memoryGB, gpus, p => MemoryEstimator.Inference(p, ModelPrecision.INT4, ServingContext, 1), "Q4");

        /// <summary>The larger of the largest LoRA and the largest QLoRA class at 4k context.</summary>
        public static Result? Training(double memoryGB, int gpus)
        {
            Result? lora = Largest(memoryGB, gpus, p => MemoryEstimator.LoRA(p, TrainingContext, 1), "LoRA");
            Result? qlora = Largest(memoryGB, gpus, p => MemoryEstimator.QLoRA(p, TrainingContext, 1), "QLoRA");
            if (lora == null) return qlora;
            return qlora != null && qlora.Rank > lora.Rank ? qlora : lora;
        }

        public static Result? For(Workload workload, double memoryGB, int gpus, bool training = false)
        {
            if (workload == Workload.ImageGeneration) return ImageGeneration(memoryGB, training);
            return workload == Workload.LLMFineTune ? Training(memoryGB, gpus) : Serving(memoryGB, gpus);
        }

        /// <summary>
        /// The most capable diffusion pipeline one card holds at 1024 px (ImageGenerationMemory): generating SDXL at 16 bits,
        /// then FLUX.1 [dev] at 4 bits, 8 bits and 16 bits; training SDXL by LoRA then in full, then FLUX.1 by QLoRA then
        /// LoRA. One card, whatever the set: a pipeline is not split across cards, more cards only run more images.
        /// </summary>
        /// <summary>The rank of "FLUX FP8" on the generating ladder: the precision FLUX.1 is deployed at, above which more memory
        /// does not rank a card higher.</summary>
        public const int ImageGenerationDeployRank = 2;

        public static Result? ImageGeneration(double memoryGB, bool training)
        {
            var ladder = training
                ? new[]
                {
                    ("SDXL", "SDXL LoRA", TrainingMethod.LoRA, ModelPrecision.BF16),
                    ("SDXL", "SDXL full", TrainingMethod.Full, ModelPrecision.BF16),
                    ("FLUX.1-dev", "FLUX QLoRA", TrainingMethod.QLoRA, ModelPrecision.BF16),
                    ("FLUX.1-dev", "FLUX LoRA", TrainingMethod.LoRA, ModelPrecision.BF16),
                }
                : new[]
                {
                    ("SDXL", "SDXL BF16", TrainingMethod.Full, ModelPrecision.BF16),
                    ("FLUX.1-dev", "FLUX NF4", TrainingMethod.Full, ModelPrecision.INT4),
                    ("FLUX.1-dev", "FLUX FP8", TrainingMethod.Full, ModelPrecision.FP8),
                    ("FLUX.1-dev", "FLUX BF16", TrainingMethod.Full, ModelPrecision.BF16),
                };
            Result? best = null;
            for (int i = 0; i < ladder.Length; i++)
            {
                var (preset, label, method, precision) = ladder[i];
                ModelShape? shape = ModelPresets.Find(preset);
                if (shape == null) continue;
                var query = new MemoryQuery(shape)
                {
                    Training = training, Method = method, Precision = precision, ContextLength = ImageGenerationMemory.DefaultSide,
                };
                MemoryEstimate e = MemoryEstimator.Estimate(query);
                if (e.RequiredPerCardGB(1) > memoryGB) break;
                best = new Result(label, shape.Parameters, e, i);
            }

            return best;
        }

        public static string Describe(Result fit, int gpus)
        {
            if (fit.Estimate.Model is string id && ModelPresets.Find(id)?.Task == ModelTask.ImageGeneration)
            {
                return string.Format(CultureInfo.InvariantCulture, "{0}: the pipeline needs {1:0.#} GB on one card at 1024 px",
                    fit.Label, fit.Estimate.RequiredPerCardGB(1));
            }

            return string.Format(CultureInfo.InvariantCulture,
                "{0}: a {1:0.#e0}-parameter model needs {2:0.#} GB{3} ({4} context)",
                fit.Label, fit.Parameters, fit.Estimate.RequiredPerCardGB(gpus), gpus > 1 ? " a card" : string.Empty,
                fit.Estimate.Training ? "4k" : "8k");
        }

        private static Result? Largest(double memoryGB, int gpus, System.Func<double, MemoryEstimate> estimate, string how)
        {
            Result? best = null;
            for (int i = 0; i < Classes.Length; i++)
            {
                MemoryEstimate e = estimate(Classes[i].Value);
                if (e.RequiredPerCardGB(gpus) > memoryGB) break;
                best = new Result(Classes[i].Key + " " + how, Classes[i].Value, e, i);
            }

            return best;
        }

        /// <summary>The class labels, smallest first (for tests and help).</summary>
        public static IEnumerable<string> Labels => Classes.Select(c => c.Key);
    }
}
