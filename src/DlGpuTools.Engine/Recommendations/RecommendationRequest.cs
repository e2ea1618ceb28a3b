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

        public ModelPrecision Precision { get; set; } = ModelPrecision.BF16;

        public bool Training { get; set; }

        public bool IncludeCloud { get; set; }

        public double? TrainingHours { get; set; }

        /// <summary>The card the user has (a table name or the driver's name), to rate and upgrade from.</summary>
        public string CurrentCard { get; set; }

        public bool IncludeNonCuda { get; set; }

        public int Top { get; set; } = 5;
    }
}
