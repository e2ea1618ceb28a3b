namespace DlGpuTools.Benchmarks
{
    /// <summary>One GEMM measurement to make: C (M x N) = A (M x K) * B (K x N).</summary>
    public sealed class MatMulRequest
    {
        public int DeviceIndex { get; set; }

        public MatMulDataType DataType { get; set; } = MatMulDataType.BF16;

        public long M { get; set; } = 8192;

        public long N { get; set; } = 8192;

        public long K { get; set; } = 8192;

        /// <summary>Timed batches; the median batch gives the result.</summary>
        public int Iterations { get; set; } = 20;

        /// <summary>Untimed batches before timing (clocks ramp up, caches and lazy loading settle).</summary>
        public int Warmup { get; set; } = 3;

        /// <summary>How many of cuBLASLt's candidate algorithms to time before measuring the fastest.</summary>
        public int AlgorithmCandidates { get; set; } = 8;

        /// <summary>GPU time each timed batch aims for; small GEMMs run many times per batch so launch gaps do not count.</summary>
        public double BatchMilliseconds { get; set; } = 20;

        /// <summary>cuBLASLt workspace; more lets it choose split-K and stream-K algorithms.</summary>
        public ulong WorkspaceBytes { get; set; } = 64UL << 20;

        public int Seed { get; set; } = 12345;

        /// <summary>
        /// FP8 only: let the tensor cores keep partial sums in their own reduced precision (cuBLASLt's
        /// CUBLASLT_MATMUL_DESC_FAST_ACCUM, PyTorch's use_fast_accum). Off by default, as in torch._scaled_mm.
        /// </summary>
        public bool FastAccumulation { get; set; }

        /// <summary>
        /// Sets of A, B and C to rotate through; 0 (the default) chooses enough that together they exceed twice
        /// the L2 cache. A fixed count is for method experiments (1 shows what L2 residency does to small sizes).
        /// </summary>
        public int InputSets { get; set; }

        /// <summary>Samples of C checked against a double-precision CPU reference.</summary>
        public int VerifySamples { get; set; } = GpuWork.GemmReferenceCheck.DefaultSamples;
    }
}
