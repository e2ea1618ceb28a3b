namespace DlGpuTools
{
    /// <summary>One bandwidth measurement: what was moved, how fast, how it was counted and measured, and checked.</summary>
    public sealed class BandwidthResult : IEnergyFigures
    {
        public int DeviceIndex { get; set; }

        public string? DeviceName { get; set; }

        public string? Uuid { get; set; }

        /// <summary>The other GPU of a peer test; empty otherwise.</summary>
        public int? PeerIndex { get; set; }

        /// <summary>The test's name (nvbandwidth's where it has one, e.g. host_to_device_memcpy_ce).</summary>
        public string? Test { get; set; }

        /// <summary>"SM kernel" or "copy engine".</summary>
        public string? Engine { get; set; }

        /// <summary>Bytes of one buffer (one operation moves this much, counted once).</summary>
        public ulong Bytes { get; set; }

        /// <summary>
        /// The headline: bytes counted as <see cref="BytesCounted"/> says, per second at the median batch, in GB/s (10^9).
        /// </summary>
        public double GBps { get; set; }

        /// <summary>Bytes read plus bytes written in the memory (or over the link) per second, at the median batch.</summary>
        public double TrafficGBps { get; set; }

        /// <summary>How <see cref="GBps"/> counts bytes, e.g. "copied once (nvbandwidth); traffic = read + write".</summary>
        public string? BytesCounted { get; set; }

        public double? TheoreticalGBps { get; set; }

        /// <summary>How the theoretical figure was worked out.</summary>
        public string? TheoreticalBasis { get; set; }

        /// <summary>Traffic (device memory) or GBps (links) as a percentage of the theoretical figure.</summary>
        public double? PercentOfTheoretical { get; set; }

        /// <summary>Median time of one operation, in milliseconds.</summary>
        public double MedianMs { get; set; }

        /// <summary>Mean time of one operation within the fastest timed batch (not a single operation), in milliseconds.</summary>
        public double FastestBatchMs { get; set; }

        /// <summary>Mean time of one operation within the slowest timed batch, in milliseconds.</summary>
        public double SlowestBatchMs { get; set; }

        /// <summary>(slowest - fastest batch) / median, in percent.</summary>
        public double SpreadPercent { get; set; }

        public int Batches { get; set; }

        public int OperationsPerBatch { get; set; }

        /// <summary>True: sampled data after the copies was checked and right (a wrong result is an error, never a figure).</summary>
        public bool Verified { get; set; }

        public int VerifiedSamples { get; set; }

        /// <summary>How the figure was measured.</summary>
        public string? Method { get; set; }

        /// <summary>The GPU's own NUMA node (host tests; see <see cref="GpuTopology.NumaNode"/>); empty on most machines.</summary>
        public int? NumaNode { get; set; }

        /// <summary>The NUMA nodes NVML gives as closest to the GPU (host tests).</summary>
        public string? NumaAffinity { get; set; }

        /// <summary>The CPUs NVML gives as close to the GPU (host tests), e.g. "0-55,112-167".</summary>
        public string? CpuAffinity { get; set; }

        /// <summary>
        /// Host tests: the CPUs the measuring thread ran on while it allocated the host memory and queued the copies,
        /// those of <see cref="CpuAffinity"/> open to the process (the thread is bound for the test only, as nvbandwidth
        /// binds its process). Null when the thread could not be kept to the GPU's CPUs; <see cref="Method"/> says why.
        /// </summary>
        public string? BoundCpus { get; set; }

        /// <summary>Anything that qualifies the figure (a link below its maximum, a buffer smaller than asked).</summary>
        public string? Note { get; set; }

        /// <summary>
        /// Board energy over the timed batches (both GPUs' sum for a peer test), in joules; empty where there is no honest
        /// figure (<see cref="EnergyNote"/> says why).
        /// </summary>
        public double? EnergyJoules { get; set; }

        /// <summary>Wall-clock seconds of the energy window: the timed batches (both GPUs' sum for a peer test).</summary>
        public double? EnergySeconds { get; set; }

        /// <summary>EnergyJoules / EnergySeconds: the average power over the timed batches (both GPUs' sum for a peer test).</summary>
        public double? AveragePowerW { get; set; }

        /// <summary>
        /// How far EnergyJoules may be off because NVML's counter moves in steps (one update's energy); empty when sampled.
        /// </summary>
        public double? EnergyUncertaintyJoules { get; set; }

        /// <summary>
        /// EnergyCounter (NVML's energy counter read before and after) or SampledPower (board power integrated), as text.
        /// </summary>
        public string? EnergyMethod { get; set; }

        /// <summary>How the energy was measured and how exact it is (the counter's update period), or why there is no figure.</summary>
        public string? EnergyNote { get; set; }

        /// <summary>
        /// Bytes per energy: the bytes of all timed operations, counted as GBps counts them, / EnergyJoules, in GB per joule.
        /// </summary>
        public double? GBPerJoule { get; set; }

        public override string ToString() => $"{Test} GPU {DeviceIndex}{(PeerIndex is int p ? "->" + p : string.Empty)}: {GBps:0.0} GB/s";
    }
}
