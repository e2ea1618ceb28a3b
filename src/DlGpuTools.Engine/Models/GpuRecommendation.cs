namespace DlGpuTools
{
    /// <summary>One suggestion: a card to buy, an offer to rent, or the user's current card rated for the workload.</summary>
    public sealed class GpuRecommendation
    {
        public int Rank { get; set; }

        /// <summary>Buy, Rent, Current or Upgrade.</summary>
        public string Kind { get; set; }

        public string Card { get; set; }

        public string Workload { get; set; }

        public double MemoryGB { get; set; }

        /// <summary>Launch price in USD (not today's street or used price).</summary>
        public double? PriceUsd { get; set; }

        public string Provider { get; set; }

        public double? UsdPerGpuHour { get; set; }

        public string PriceDate { get; set; }

        /// <summary>GPUs of this card the model needs (1 unless the model is larger than one card's memory).</summary>
        public int GpusNeeded { get; set; } = 1;

        /// <summary>The figure the workload is ranked by, e.g. "FP16 tensor TFLOPS" or "memory bandwidth GB/s".</summary>
        public string Metric { get; set; }

        public double? MetricValue { get; set; }

        /// <summary>MetricValue per $1000 of launch price (Buy) or per $1 an hour (Rent).</summary>
        public double? ValuePerDollar { get; set; }

        public bool FitsModel { get; set; } = true;

        public double? RequiredMemoryGB { get; set; }

        public string MemoryFormula { get; set; }

        /// <summary>Rental cost for -TrainingHours, and for a bought card the hours at which buying pays off.</summary>
        public double? CostForHoursUsd { get; set; }

        public string BuyVersusRent { get; set; }

        public string Reason { get; set; }

        public string[] Warnings { get; set; } = new string[0];

        public string Source { get; set; }

        public override string ToString() => $"{Rank}. {Kind} {Card}";
    }
}
