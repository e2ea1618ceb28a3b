namespace DlGpuTools
{
    /// <summary>One suggestion: a card to buy, an offer to rent, or the user's current card rated for the workload.</summary>
    public sealed class GpuRecommendation
    {
        public int Rank { get; set; }

        /// <summary>Buy, Rent, Current or Upgrade: the name of <see cref="RecommendationKind"/> (see <see cref="EnumText"/>).</summary>
        public string Kind
        {
            get => RecommendationKind.ToString();
            set => RecommendationKind = EnumText.Parse<RecommendationKind>(value, nameof(Kind));
        }

        internal RecommendationKind RecommendationKind { get; set; }

        /// <summary>Whether the row is an offer to rent (the rental view and columns apply).</summary>
        public bool IsRental() => RecommendationKind == RecommendationKind.Rent;

        /// <summary>Whether the row is the user's own card rather than something to get.</summary>
        public bool IsCurrentCard() => RecommendationKind == RecommendationKind.Current;

        /// <summary>Whether the row is a card to buy (a purchase or an upgrade).</summary>
        public bool IsPurchase() => RecommendationKind == RecommendationKind.Buy || RecommendationKind == RecommendationKind.Upgrade;

        public string? Card { get; set; }

        /// <summary>The card's name without vendor words, for narrow tables.</summary>
        public string? ShortCard { get; set; }

        public string? Workload { get; set; }

        public double MemoryGB { get; set; }

        /// <summary>
        /// How the model runs on these cards: Full BF16, LoRA BF16, QLoRA NF4, or an inference precision; empty without a model.
        /// </summary>
        public string? Method
        {
            get => MethodText.Show(TrainingLabel, ServedPrecision);
            set => (ServedPrecision, TrainingLabel) = MethodText.Read(value);
        }

        /// <summary>The precision the weights are served at (the method's <see cref="MemoryEstimate.ServedPrecision"/>).</summary>
        internal ModelPrecision? ServedPrecision { get; set; }

        /// <summary>
        /// The training method's name (<see cref="MemoryEstimate.TrainingLabel"/>); null for inference or without a model.
        /// </summary>
        internal string? TrainingLabel { get; set; }

        /// <summary>All cards together, in USD: the street (new) or used price from the dated price table, or the launch price where no
        /// street price is known.</summary>
        public double? PriceUsd { get; set; }

        /// <summary>
        /// new, used or MSRP (the launch price standing in where no market price is known): which price PriceUsd is; the name of
        /// <see cref="RecommendationPriceKind"/> as <see cref="PriceKindText"/> spells it (see <see cref="EnumText"/>); empty
        /// without a price.
        /// </summary>
        public string? PriceKind
        {
            get => RecommendationPriceKind is RecommendationPriceKind kind ? PriceKindText.Of(kind) : null;
            set => RecommendationPriceKind = PriceKindText.Read(value, nameof(PriceKind));
        }

        internal RecommendationPriceKind? RecommendationPriceKind { get; set; }

        public string? Provider { get; set; }

        /// <summary>The offer's name at the provider (rentals).</summary>
        public string? Offer { get; set; }

        /// <summary>Per GPU-hour (rentals).</summary>
        public double? UsdPerGpuHour { get; set; }

        /// <summary>All billed GPUs together, per hour (rentals).</summary>
        public double? UsdPerHour { get; set; }

        /// <summary>When the price was seen (yyyy-MM or yyyy-MM-dd).</summary>
        public string? PriceDate { get; set; }

        /// <summary>GPUs of this card the model needs: 1, 2, 4 or 8.</summary>
        public int GpusNeeded { get; set; } = 1;

        /// <summary>NVLink or PCIe, where several cards are needed.</summary>
        public string? Interconnect { get; set; }

        /// <summary>Expected throughput of all the cards, relative to one GeForce RTX 3090 (PerformanceModel).</summary>
        public double? Speed { get; set; }

        /// <summary>One card's expected throughput, relative to a GeForce RTX 3090.</summary>
        public double? SpeedPerCard { get; set; }

        /// <summary>
        /// How far Speed may be off: the performance model's RMS log error on published ratios ("±10%"), combined with the
        /// multi-GPU scaling model's for a set of cards.
        /// </summary>
        public string? SpeedBand { get; set; }

        /// <summary>The band of TokensPerSecond: the decode estimator's error, with the scaling model's for a set.</summary>
        public string? TokensBand { get; set; }

        /// <summary>The band of JobHours: the training-throughput estimator's error, with the scaling model's for a set.</summary>
        public string? JobBand { get; set; }

        /// <summary>The model's inputs: the tensor throughput and bandwidth it used.</summary>
        public string? ModelInputs { get; set; }

        /// <summary>The performance model's formula with this card's numbers.</summary>
        public string? SpeedFormula { get; set; }

        /// <summary>Speed per $1000 of purchase price (Buy, Upgrade).</summary>
        public double? SpeedPer1000Usd { get; set; }

        /// <summary>Speed per $1 an hour of rent (Rent).</summary>
        public double? SpeedPerUsdHour { get; set; }

        /// <summary>Board power of all the cards, in watts.</summary>
        public int? PowerW { get; set; }

        public bool FitsModel { get; set; } = true;

        /// <summary>Memory each card needs for the chosen method (or the workload's floor without a model).</summary>
        public double? RequiredMemoryGB { get; set; }

        public string? MemoryFormula { get; set; }

        /// <summary>One line: what the model needs by each method, or the workload's memory floor.</summary>
        public string? MemorySummary { get; set; }

        /// <summary>One line: how the rows are ranked (the performance model and its compute share).</summary>
        public string? RankingBasis { get; set; }

        /// <summary>Every method's memory need for the model, one line each.</summary>
        public ReadableList<string> MethodEstimates { get; set; } = new ReadableList<string>();

        /// <summary>
        /// The job's cost: rent for its hours, or for a bought card its price plus electricity for those hours (less resale with a
        /// horizon).
        /// </summary>
        public double? CostForHoursUsd { get; set; }

        /// <summary>Hours the training job takes on these cards (from -TrainTokens, -Epochs, or -TrainingHours of one RTX 3090).</summary>
        public double? JobHours { get; set; }

        /// <summary>How JobHours was worked out: FLOPs over sustained FLOP/s, or reference hours over Speed.</summary>
        public string? JobFormula { get; set; }

        /// <summary>
        /// Short caveats for the table: PASSIVE, SXM-ONLY, STALE, MSRP, NO-P2P, NON-CUDA, a memory under the floor (8GB), price flags.
        /// </summary>
        public ReadableList<string> Flags { get; set; } = new ReadableList<string>();

        /// <summary>Sold only in a whole SXM/OAM server or as a unified-memory box (the SXM-ONLY flag): the ranking reads this.</summary>
        internal bool SoldAsSystem { get; set; }

        /// <summary>A passively cooled data-centre card that needs a server's airflow (the PASSIVE flag).</summary>
        internal bool PassivelyCooled { get; set; }

        /// <summary>The price was worked out from another figure (the DERIVED flag), not observed: it never decides a tie.</summary>
        internal bool PriceDerived { get; set; }

        /// <summary>The largest model class these cards hold: "70B Q4" (4-bit, 8k context), "14B QLoRA"; empty where none.</summary>
        public string? Fits { get; set; }

        /// <summary>What Fits means in full, with the memory it takes.</summary>
        public string? FitsDetail { get; set; }

        /// <summary>Memory of all the cards together (usable by the GPU), in GB.</summary>
        public double TotalMemoryGB { get; set; }

        /// <summary>Decode speed of one stream, tokens a second, for the model given or the model class in Fits (70B at most).</summary>
        public double? TokensPerSecond { get; set; }

        /// <summary>The model (or model class, "70B Q4") that TokensPerSecond is for.</summary>
        public string? TokensModel { get; set; }

        /// <summary>Prompt processing (prefill), tokens a second.</summary>
        public double? PrefillTokensPerSecond { get; set; }

        /// <summary>
        /// Rentals: dollars per million generated tokens at one stream (batching many streams costs about the same per hour).
        /// </summary>
        public double? UsdPerMillionTokens { get; set; }

        /// <summary>How the tokens a second were worked out: bytes read per token, bandwidth, efficiency, engine, split.</summary>
        public string? TokensFormula { get; set; }

        /// <summary>llama.cpp, vLLM or TensorRT-LLM, where the answer depends on it.</summary>
        public string? Engine { get; set; }

        /// <summary>How several cards scale for this use, with the measurement behind it.</summary>
        public string? Scaling { get; set; }

        /// <summary>Multi-card builds: what the host must provide (slots and lanes, power supply, circuit).</summary>
        public string? HostNeeds { get; set; }

        /// <summary>Multi-card builds: estimated cost of that host (board, CPU, memory, supplies, frame), not in PriceUsd.</summary>
        public double? HostCostUsd { get; set; }

        /// <summary>The cheapest and dearest recent price observations (all the cards together).</summary>
        public double? PriceLowUsd { get; set; }

        public double? PriceHighUsd { get; set; }

        /// <summary>A non-CUDA platform that clearly wins on memory per dollar, as one line; NVIDIA stays ranked first.</summary>
        public string? AlsoConsider { get; set; }

        /// <summary>Index of the model class in Fits, for ranking (larger holds more).</summary>
        internal int FitsRank { get; set; } = -1;

        /// <summary>How the row was ranked: Best (capability within the budget) or Value (speed per dollar).</summary>
        public string? Goal { get; set; }

        public string? BuyVersusRent { get; set; }

        public string? Reason { get; set; }

        public ReadableList<string> Warnings { get; set; } = new ReadableList<string>();

        public string? Source { get; set; }

        public override string ToString() => $"{Rank}. {Kind} {Card}";
    }
}
