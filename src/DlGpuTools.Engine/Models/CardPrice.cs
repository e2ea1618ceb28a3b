namespace DlGpuTools
{
    /// <summary>One dated price observation for a card: new (street) or used, with where and when it was seen.</summary>
    public sealed class CardPrice
    {
        /// <summary>The card's name in the card table.</summary>
        public string? Card { get; set; }

        /// <summary>new (street price, in stock at a retailer) or used (resale listings).</summary>
        public string? Condition { get; set; }

        public double PriceUsd { get; set; }

        /// <summary>When the price was seen: yyyy-MM or yyyy-MM-dd.</summary>
        public string? PriceDate { get; set; }

        /// <summary>What kind of figure it is; the choice prefers sold over asking over averages over estimates over MSRP.</summary>
        public PriceKind Kind { get; set; } = PriceKind.Asking;

        /// <summary>Worked out from another figure ("2x for $1,800" halved), not seen as a price of this card.</summary>
        public bool Derived { get; set; }

        /// <summary>GPUs the price buys: 1 for a card, 8 for an HGX/DGX server with its 8 modules.</summary>
        public int Gpus { get; set; } = 1;

        public string? Provider { get; set; }

        public string? Source { get; set; }

        public string? Notes { get; set; }

        /// <summary>"built-in" or the path of the user's price table.</summary>
        public string? Origin { get; set; }

        public override string ToString() =>
            $"{Card} {Condition} {Kind.ToString().ToLowerInvariant()} "
                + $"${PriceUsd:N0}{(Gpus > 1 ? $" for {Gpus} GPUs" : string.Empty)} ({PriceDate})";
    }
}
