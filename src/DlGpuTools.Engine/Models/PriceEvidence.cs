namespace DlGpuTools
{
    /// <summary>
    /// The price of one card (or one 8-GPU server) as evidence: every dated observation kept, the one chosen by
    /// recency and kind, the range the recent ones span, and flags where the choice is weak.
    /// </summary>
    public sealed class PriceEvidence
    {
        /// <summary>The card's name in the card table.</summary>
        public string? Card { get; set; }

        /// <summary>
        /// new, used, or launch (the card table's launch price, when no market price is known): <see cref="PriceCondition"/>.
        /// </summary>
        public string Condition
        {
            get => PriceCondition.ToString().ToLowerInvariant();
            set => PriceCondition = EnumText.Parse<PriceCondition>(value, nameof(Condition));
        }

        internal PriceCondition PriceCondition { get; set; }

        /// <summary>The chosen price, for <see cref="Gpus"/> GPUs.</summary>
        public double PriceUsd { get; set; }

        /// <summary>1 for a card; 8 where the part is sold only in an 8-GPU server (the price is the server's).</summary>
        public int Gpus { get; set; } = 1;

        /// <summary>The cheapest recent observation (same condition and unit).</summary>
        public double LowUsd { get; set; }

        /// <summary>The dearest recent observation (same condition and unit).</summary>
        public double HighUsd { get; set; }

        public PriceKind Kind { get; set; }

        /// <summary>When the chosen price was seen: yyyy-MM or yyyy-MM-dd.</summary>
        public string? PriceDate { get; set; }

        /// <summary>Whole months from <see cref="PriceDate"/> to the day of the choice.</summary>
        public int? AgeMonths { get; set; }

        public string? Provider { get; set; }

        public string? Source { get; set; }

        public PriceCaveats Flags { get; set; }

        /// <summary>The flags as the table shows them: STALE, MSRP, DERIVED, ONE-OBS, INVERTED.</summary>
        public string FlagText => PriceCaveatText.Of(Flags);

        /// <summary>Why this observation was chosen over the others, in one sentence.</summary>
        public string? Reason { get; set; }

        /// <summary>The observation chosen.</summary>
        public CardPrice? Chosen { get; set; }

        /// <summary>Every observation of the card, newest first.</summary>
        public ReadableList<CardPrice> Observations { get; set; } = new ReadableList<CardPrice>();

        public override string ToString() =>
            $"{Card} ${PriceUsd:N0} {Condition} ({PriceDate}; "
                + $"${LowUsd:N0}-{HighUsd:N0}){(Flags == PriceCaveats.None ? string.Empty : " " + FlagText)}";
    }

    /// <summary>Short upper-case words for price flags, for a table column.</summary>
    public static class PriceCaveatText
    {
        public static string Of(PriceCaveats flags)
        {
            var words = new System.Collections.Generic.List<string>();
            if ((flags & PriceCaveats.Stale) != 0) words.Add("STALE");
            if ((flags & PriceCaveats.Msrp) != 0) words.Add("MSRP");
            if ((flags & PriceCaveats.Derived) != 0) words.Add("DERIVED");
            if ((flags & PriceCaveats.SingleObservation) != 0) words.Add("ONE-OBS");
            if ((flags & PriceCaveats.VariantInversion) != 0) words.Add("INVERTED");
            return string.Join(" ", words);
        }
    }
}
