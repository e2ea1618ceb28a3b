namespace DlGpuTools
{
    /// <summary>One GEMM measurement: timing, throughput, the card's datasheet peak, and the verified error.</summary>
    public sealed class MatMulResult
    {
        public int DeviceIndex { get; set; }

        public string DeviceName { get; set; }

        public string Uuid { get; set; }

        public string DataType { get; set; }

        public long M { get; set; }

        public long N { get; set; }

        public long K { get; set; }

        /// <summary>Median time of one GEMM over the timed batches, in milliseconds.</summary>
        public double MedianMs { get; set; }

        public double MinMs { get; set; }

        public double MaxMs { get; set; }

        /// <summary>2*M*N*K / median time: the sustained rate, as back-to-back GEMMs in training run.</summary>
        public double Tflops { get; set; }

        /// <summary>The card table's dense datasheet peak for this type; empty for cards it does not know.</summary>
        public double? PeakTflops { get; set; }

        public double? PercentOfPeak { get; set; }

        /// <summary>One short batch after an idle pause, before a power cap lowers the clocks.</summary>
        public double BurstMs { get; set; }

        public double BurstTflops { get; set; }

        public double? BurstPercentOfPeak { get; set; }

        /// <summary>||C - reference|| / ||reference|| over the sampled elements (reference in double on the CPU).</summary>
        public double RelativeError { get; set; }

        public double Tolerance { get; set; }

        public int Batches { get; set; }

        public int CallsPerBatch { get; set; }

        /// <summary>Distinct input buffers rotated so that small problems are not timed out of L2.</summary>
        public int InputSets { get; set; }

        public string Algorithm { get; set; }

        public int AlgorithmsTried { get; set; }

        public ulong WorkspaceBytes { get; set; }

        public string Library { get; set; }

        public string LibraryPath { get; set; }

        public override string ToString() => $"{DataType} {M}x{N}x{K}: {Tflops:0.0} TFLOPS";
    }
}
