using System;

namespace DlGpuTools.Recommendations
{
    /// <summary>What the user asked Get-GpuRecommendation for.</summary>
    public sealed class RecommendationRequest
    {
        public Workload Workload { get; set; } = Workload.Learning;

        /// <summary>Most to spend on cards, in USD (all GPUs together when a model needs several).</summary>
        public double? BudgetUsd { get; set; }

        /// <summary>Memory every card must have; the workload's own floor when not given.</summary>
        public double? MinimumMemoryGB { get; set; }

        public double? ModelParameters { get; set; }

        /// <summary>A named model preset (-Model): its shape, with a source; sets the parameter count.</summary>
        public ModelShape? ModelShape { get; set; }

        /// <summary>The preset's name, where the caller names it instead of passing its shape.</summary>
        public string? Model { get; set; }

        /// <summary>Parameters a token passes through, for a mixture of experts named by counts: memory from the total, speed from
        /// these.</summary>
        public double? ActiveParameters { get; set; }

        /// <summary>Training method forced by the user; every method in turn when not given.</summary>
        public TrainingMethod? Method { get; set; }

        /// <summary>The least faithful format allowed (BF16 rules out FP8 and 4-bit; INT8 rules out 4-bit); INT4 when not given.</summary>
        public ModelPrecision? MinimumPrecision { get; set; }

        /// <summary>Keys and values as cached; 16-bit when not given.</summary>
        public ModelPrecision? KvCachePrecision { get; set; }

        public OptimizerKind Optimizer { get; set; } = OptimizerKind.AdamW;

        /// <summary>Optimizer state or routed experts kept in host memory.</summary>
        public OffloadKind Offload { get; set; } = OffloadKind.None;

        /// <summary>The model's shape: the preset, or the nearest published shape for the parameter count; null without a model.</summary>
        public ModelShape? Shape =>
            ModelShape
            ?? (string.IsNullOrWhiteSpace(Model) ? null : ModelPresets.Find(Model!))
            ?? (ModelParameters is double p ? Recommendations.ModelShape.ForParameters(p, ActiveParameters) : null);

        /// <summary>Parameters a token computes with (all of them for a dense model).</summary>
        public double? ComputeParameters => Shape?.ActiveParameters;

        public ModelPrecision Precision { get; set; } = ModelPrecision.BF16;

        public bool Training { get; set; }

        /// <summary>Training asked for, or implied by the LLMFineTune workload: fine-tuning is training.</summary>
        public bool IsTraining => Training || Workload == Workload.LLMFineTune;

        /// <summary>Tokens of context per sequence, for KV cache and activations.</summary>
        public int ContextLength { get; set; } = 4096;

        /// <summary>Sequences processed together.</summary>
        public int BatchSize { get; set; } = 1;

        public bool IncludeCloud { get; set; }

        /// <summary>Hours the job takes on one RTX 3090 (the Speed reference); each option's own hours follow from its speed.</summary>
        public double? TrainingHours { get; set; }

        /// <summary>Tokens the training job processes in all (dataset tokens x epochs); gives hours and cost per option.</summary>
        public double? TrainTokens { get; set; }

        /// <summary>Passes over the dataset; with <see cref="DatasetTokens"/> it gives <see cref="JobTokens"/>.</summary>
        public double? Epochs { get; set; }

        /// <summary>Tokens in one pass over the dataset.</summary>
        public double? DatasetTokens { get; set; }

        /// <summary>The tokens the training job processes: -TrainTokens, or -Epochs x -DatasetTokens; null when neither is given.</summary>
        public double? JobTokens => TrainTokens ?? (Epochs is double e && DatasetTokens is double d ? e * d : (double?)null);

        /// <summary>Best (the default with a budget) or Value (the default without one).</summary>
        public RecommendationGoal? Goal { get; set; }

        /// <summary>The goal in force: as asked, else Best with a budget and Value without.</summary>
        public RecommendationGoal EffectiveGoal => Goal ?? (BudgetUsd != null ? RecommendationGoal.Best : RecommendationGoal.Value);

        /// <summary>The serving engine; null lets each option take the one people run on it (vLLM in data centres, llama.cpp at
        /// home).</summary>
        public InferenceEngine? Engine { get; set; }

        /// <summary>Years the user will keep a bought card: the buy-versus-rent sums then count its resale value.</summary>
        public double? HorizonYears { get; set; }

        /// <summary>Electricity price for the buy-versus-rent sums, USD per kWh.</summary>
        public double ElectricityUsdPerKwh { get; set; } = Recommender.DefaultElectricityUsdPerKwh;

        /// <summary>The card the user has (a table name or the driver's name), to rate and upgrade from.</summary>
        public string? CurrentCard { get; set; }

        /// <summary>The memory the current device reports, in GiB: picks the variant where a driver name covers several.</summary>
        public double? CurrentCardMemoryGiB { get; set; }

        public bool IncludeNonCuda { get; set; }

        public int Top { get; set; } = 5;

        /// <summary>Today, for the age of prices (tests pin it).</summary>
        public DateTime Now { get; set; } = DateTime.UtcNow;
    }
}
