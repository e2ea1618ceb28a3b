namespace DlGpuTools
{
    /// <summary>A rentable GPU: provider, price per GPU-hour and the date that price was read.</summary>
    public sealed class CloudOffer
    {
        public string? Provider { get; set; }

        public string? Offer { get; set; }

        /// <summary>free, notebook, hyperscaler, gpu-cloud or marketplace.</summary>
        public string? Kind { get; set; }

        /// <summary>The card's name in the card table.</summary>
        public string? Card { get; set; }

        public int Gpus { get; set; }

        public double UsdPerGpuHour { get; set; }

        public string? PriceDate { get; set; }

        /// <summary>P: provider page; R: a dated third-party reading of the provider's page; S: secondary source.</summary>
        public string? Reliability { get; set; }

        public string? Source { get; set; }

        public string? Notes { get; set; }

        public override string ToString() => $"{Provider} {Offer}";
    }
}
