using System;

namespace DlGpuTools
{
    /// <summary>What a price observation is, best evidence first.</summary>
    public enum PriceKind
    {
        /// <summary>What buyers paid: completed sales (sold listings, auction results).</summary>
        Sold,

        /// <summary>What sellers ask: a retailer's price, or the mean of the cheapest active listings.</summary>
        Asking,

        /// <summary>An average over all listings or a tracker's mean: above what a careful buyer pays.</summary>
        Average,

        /// <summary>An analyst's or reseller's estimate or quote range: no listing behind it.</summary>
        Estimate,

        /// <summary>The launch or list price: during the 2026 memory shortage street prices ran far above it.</summary>
        Msrp,
    }

    /// <summary>Why a chosen price needs care; shown in the Flags column.</summary>
    [Flags]
    public enum PriceCaveats
    {
        None = 0,

        /// <summary>Older than <see cref="Catalog.PriceTable.StaleAfterMonths"/> months.</summary>
        Stale = 1,

        /// <summary>No market price: the launch price stands in, which a shortage makes a guess.</summary>
        Msrp = 2,

        /// <summary>Worked out from another figure (a pair's price halved).</summary>
        Derived = 4,

        /// <summary>One observation in the recent window: nothing confirms it.</summary>
        SingleObservation = 8,

        /// <summary>A smaller-memory variant of the same card costs more than a larger one: one of the two is wrong.</summary>
        VariantInversion = 16,
    }
}
