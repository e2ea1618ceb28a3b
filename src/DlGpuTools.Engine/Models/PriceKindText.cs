namespace DlGpuTools
{
    /// <summary>Which price a recommendation's PriceUsd is: what the buy view's Cond column and the docs call it.</summary>
    internal enum RecommendationPriceKind
    {
        New,
        Used,

        /// <summary>No market price is known: the launch price stands in (the word of the price flag, MSRP).</summary>
        Msrp,
    }

    /// <summary>
    /// <see cref="GpuRecommendation.PriceKind"/>'s words: new and used in the price table's lower case, MSRP as the price
    /// flag spells it; and the kind a chosen price's <see cref="PriceCondition"/> gives.
    /// </summary>
    internal static class PriceKindText
    {
        public static string Of(RecommendationPriceKind kind) =>
            kind == RecommendationPriceKind.Msrp ? "MSRP" : kind.ToString().ToLowerInvariant();

        /// <summary>
        /// The kind a PriceKind text names (any case), for rows read back from JSON or CSV; "launch", which earlier builds
        /// wrote on the row for the user's own card, reads as MSRP. Null for no text; other words are refused.
        /// </summary>
        public static RecommendationPriceKind? Read(string? text, string property)
        {
            if (string.IsNullOrEmpty(text)) return null;
            string word = text!.Trim();
            if (string.Equals(word, "launch", System.StringComparison.OrdinalIgnoreCase)) return RecommendationPriceKind.Msrp;
            foreach (RecommendationPriceKind kind in Kinds)
            {
                if (string.Equals(word, Of(kind), System.StringComparison.OrdinalIgnoreCase)) return kind;
            }

            throw new System.ArgumentException(
                $"'{text}' is not a price kind; {property} is one of: {string.Join(", ", System.Linq.Enumerable.Select(Kinds, Of))}.",
                property);
        }

        private static readonly RecommendationPriceKind[] Kinds =
            { RecommendationPriceKind.New, RecommendationPriceKind.Used, RecommendationPriceKind.Msrp };

        public static RecommendationPriceKind From(PriceCondition condition) =>
            condition == PriceCondition.Used ? RecommendationPriceKind.Used
            : condition == PriceCondition.Launch ? RecommendationPriceKind.Msrp
            : RecommendationPriceKind.New;
    }
}
