namespace DlGpuTools
{
    /// <summary>
    /// One GEMM measurement: the sustained median (what back-to-back GEMMs in a training loop see), the card's
    /// datasheet peak, how the GPU accumulated, the verified error, and how it was measured.
    /// </summary>
    public sealed class MatMulResult : IEnergyFigures
    {
        public int DeviceIndex { get; set; }

        public string? DeviceName { get; set; }

        public string? Uuid { get; set; }

        public string? DataType { get; set; }

        public long M { get; set; }

        public long N { get; set; }

        public long K { get; set; }

        /// <summary>Mean time of one GEMM within the median batch, in milliseconds: the headline.</summary>
        public double MedianMs { get; set; }

        /// <summary>Mean time per call within the fastest timed batch, in milliseconds (not the fastest single call).</summary>
        public double FastestBatchMs { get; set; }

        /// <summary>Mean time per call within the slowest timed batch, in milliseconds (not the slowest single call).</summary>
        public double SlowestBatchMs { get; set; }

        /// <summary>2*M*N*K / median time: the sustained rate, as back-to-back GEMMs in training run.</summary>
        public double Tflops { get; set; }

        /// <summary>The card table's dense datasheet peak for this type; empty for cards it does not know.</summary>
        public double? PeakTflops { get; set; }

        public double? PercentOfPeak { get; set; }

        /// <summary>How the products were summed: FP64, FP32, "FP32 (TF32 inputs)" or, for FP8 with -FastAccumulation, "FP32 fast (FP8
        /// tensor-core partial sums)".</summary>
        public string? Accumulation { get; set; }

        /// <summary>||C - reference|| / ||reference|| over the sampled elements (reference in double on the CPU).</summary>
        public double RelativeError { get; set; }

        /// <summary>The largest error accepted for this type and K (derived from the formats' unit roundoffs; see the help).</summary>
        public double Tolerance { get; set; }

        public int Batches { get; set; }

        public int CallsPerBatch { get; set; }

        /// <summary>Distinct sets of A, B and C rotated through, so that no call finds its operands in L2.</summary>
        public int InputSets { get; set; }

        /// <summary>Bytes of all rotated sets together (compare with L2CacheBytes).</summary>
        public ulong RotatedBytes { get; set; }

        /// <summary>The L2 size the rotation was sized against.</summary>
        public ulong L2CacheBytes { get; set; }

        /// <summary>How the figures were measured, in words.</summary>
        public string? Method { get; set; }

        public string? Algorithm { get; set; }

        public int AlgorithmsTried { get; set; }

        public ulong WorkspaceBytes { get; set; }

        public string? Library { get; set; }

        public string? LibraryPath { get; set; }

        /// <summary>
        /// Board energy over the timed batches, in joules; empty without an honest figure (<see cref="EnergyNote"/> says why).
        /// </summary>
        public double? EnergyJoules { get; set; }

        /// <summary>Wall-clock seconds of the energy window: the timed batches.</summary>
        public double? EnergySeconds { get; set; }

        /// <summary>EnergyJoules / EnergySeconds: the board's average power over the timed batches.</summary>
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
        /// Work per energy: the FLOPs of all timed batches (2*M*N*K per call) / EnergyJoules / 10^12, TFLOP per joule, which
        /// is TFLOPS per watt. Both come from the same window, so it is the window's mean rate per watt, not Tflops (the
        /// median batch's rate) / AveragePowerW; the two differ by the batches' spread.
        /// </summary>
        public double? TflopsPerWatt { get; set; }

        public override string ToString() => $"{DataType} {M}x{N}x{K}: {Tflops:0.0} TFLOPS";
    }
}
