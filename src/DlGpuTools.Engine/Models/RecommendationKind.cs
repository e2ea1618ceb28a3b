namespace DlGpuTools
{
    /// <summary>What a row of Get-GpuRecommendation offers.</summary>
    public enum RecommendationKind
    {
        /// <summary>A card to buy (one or several of it), at its street, used or launch price.</summary>
        Buy,

        /// <summary>An offer to rent by the hour from a cloud or marketplace provider.</summary>
        Rent,

        /// <summary>The user's own card (-CurrentCard), rated for the workload; it takes no rank.</summary>
        Current,

        /// <summary>A card to buy that beats the current card by enough to be worth the change.</summary>
        Upgrade,
    }
}
