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

        public static RecommendationPriceKind From(PriceCondition condition) =>
            condition == PriceCondition.Used ? RecommendationPriceKind.Used
            : condition == PriceCondition.Launch ? RecommendationPriceKind.Msrp
            : RecommendationPriceKind.New;
    }
}
