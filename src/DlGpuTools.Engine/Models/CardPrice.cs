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

        public string? Provider { get; set; }

        public string? Source { get; set; }

        public string? Notes { get; set; }

        /// <summary>"built-in" or the path of the user's price table.</summary>
        public string? Origin { get; set; }

        public override string ToString() => $"{Card} {Condition} ${PriceUsd:N0} ({PriceDate})";
    }
}
