namespace DlGpuTools.Recommendations
{
    /// <summary>An absolute throughput the model expects (tokens/s or FLOP/s), with the band its check against published measurements
    /// gives.</summary>
    internal sealed class ThroughputEstimate
    {
        public double Value { get; set; }

        /// <summary>tokens/s or FLOP/s.</summary>
        public string? Unit { get; set; }

        /// <summary>The RMS error (as a fraction, 0.08 = ±8%) of this estimator on the published measurements it was checked
        /// against.</summary>
        public double Band { get; set; }

        public double Low => Value * (1 - Band);

        public double High => Value * (1 + Band);

        /// <summary>The formula with its numbers, so a user can redo it.</summary>
        public string? Formula { get; set; }

        /// <summary>What the efficiency was fitted to, with sources a user can open.</summary>
        public string? Basis { get; set; }

        public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:0.##} {1} ±{2:0%}",
            Value, Unit, Band);
    }
}
