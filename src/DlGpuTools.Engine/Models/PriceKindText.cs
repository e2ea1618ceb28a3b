namespace DlGpuTools
{
    /// <summary>
    /// <see cref="GpuRecommendation.PriceKind"/>'s words for a <see cref="PriceCondition"/>: new, used, or MSRP where the
    /// launch price stands in (the word of the price Flags and of the buy view's Cond column), read back in any case.
    /// </summary>
    internal static class PriceKindText
    {
        public const string Launch = "MSRP";

        public static string Of(PriceCondition condition) =>
            condition == PriceCondition.Launch ? Launch : condition.ToString().ToLowerInvariant();

        /// <summary>
        /// The condition <paramref name="text"/> names (new, used, MSRP, or the condition's own name launch); null for empty
        /// text; an error listing the words for any other.
        /// </summary>
        public static PriceCondition? Parse(string? text, string property)
        {
            if (string.IsNullOrEmpty(text)) return null;
            if (string.Equals(text!.Trim(), Launch, System.StringComparison.OrdinalIgnoreCase)) return PriceCondition.Launch;
            PriceCondition? condition = EnumText.TryParse<PriceCondition>(text);
            return condition ?? throw new System.ArgumentException(
                $"'{text}' is not a price kind; {property} is one of: new, used, {Launch}.", property);
        }
    }
}
