namespace DlGpuTools.Bandwidth
{
    /// <summary>What to measure and how long; the defaults are the cmdlet's.</summary>
    public sealed class BandwidthRequest
    {
        /// <summary>Bytes of each buffer; null: device tests max(1 GiB, 8 x L2), host tests 512 MiB (nvbandwidth's default).</summary>
        public ulong? Bytes { get; set; }

        /// <summary>Timed batches; the result is the median batch.</summary>
        public int Iterations { get; set; } = 10;

        /// <summary>Untimed batches first, so clocks and the link settle.</summary>
        public int Warmup { get; set; } = 2;

        /// <summary>
        /// GPU time one batch should take: operations per batch are sized from a first measurement. 100 ms, so a
        /// host copy batch averages over several copies (a pageable copy of 512 MiB takes 40-70 ms on PCIe Gen5).
        /// </summary>
        public double BatchMilliseconds { get; set; } = 100;

        /// <summary>
        /// Upper bound of operations in one batch (they all wait behind the spin kernel): 16, nvbandwidth's default loop count.
        /// </summary>
        public int MaxOperationsPerBatch { get; set; } = 16;

        /// <summary>Sampled 16-byte elements checked after the copies (plus the first and the last).</summary>
        public int VerifySamples { get; set; } = 64;

        public int Seed { get; set; } = 12;

        public const ulong DefaultHostBytes = 512UL << 20;
        public const ulong MinimumDeviceBytes = 1UL << 30;
    }

    /// <summary>Where a measurement is, for progress display.</summary>
    public sealed class BandwidthProgress
    {
        public BandwidthProgress(string phase, int done, int total)
        {
            Phase = phase;
            Done = done;
            Total = total;
        }

        public string Phase { get; }

        public int Done { get; }

        public int Total { get; }
    }
}
