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

        /// <summary>A named model (-Model): its shape decides KV cache, logits, experts and the precision it ships in.</summary>
        public string? Model { get; set; }

        /// <summary>Parameters a token passes through, for a mixture of experts named by counts: memory from the total, speed from these.</summary>
        public double? ActiveParameters { get; set; }

        /// <summary>Training method forced by the user; every method in turn when not given.</summary>
        public TrainingMethod? Method { get; set; }

        /// <summary>The least faithful format allowed (BF16 rules out FP8 and 4-bit; INT8 rules out 4-bit).</summary>
        public ModelPrecision? MinimumPrecision { get; set; }

        /// <summary>Keys and values as cached; 16-bit when not given.</summary>
        public ModelPrecision? KvCachePrecision { get; set; }

        public OptimizerKind Optimizer { get; set; } = OptimizerKind.AdamW;

        /// <summary>Optimizer state or routed experts kept in host memory.</summary>
        public OffloadKind Offload { get; set; } = OffloadKind.None;

        public ModelPrecision Precision { get; set; } = ModelPrecision.BF16;

        public bool Training { get; set; }

        /// <summary>Training asked for, or implied by the LLMFineTune workload: fine-tuning is training.</summary>
        public bool IsTraining => Training || Workload == Workload.LLMFineTune;

        /// <summary>Tokens of context per sequence, for KV cache and activations.</summary>
        public int ContextLength { get; set; } = 4096;

        /// <summary>Sequences processed together.</summary>
        public int BatchSize { get; set; } = 1;

        public bool IncludeCloud { get; set; }

        public double? TrainingHours { get; set; }

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
