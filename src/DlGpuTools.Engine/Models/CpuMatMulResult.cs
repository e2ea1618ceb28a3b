namespace DlGpuTools
{
    /// <summary>
    /// One CPU GEMM measurement, in the shape of <see cref="MatMulResult"/> (the same names for the same figures:
    /// DataType, M, N, K, MedianMs, Tflops, PeakTflops, PercentOfPeak, RelativeError, Method, Library...), plus what
    /// only a CPU run has: the thread count, the BLAS's version and configuration, how the peak was derived, and
    /// whether the managed kernel ran instead of a BLAS.
    /// </summary>
    public sealed class CpuMatMulResult
    {
        /// <summary>Always "CPU" (Measure-GpuMatMul's results are GPUs).</summary>
        public string Device { get; set; } = "CPU";

        public string DeviceName { get; set; } = string.Empty;

        public string DataType { get; set; } = string.Empty;

        public long M { get; set; }

        public long N { get; set; }

        public long K { get; set; }

        /// <summary>Mean time of one GEMM within the median batch, in milliseconds: the headline.</summary>
        public double MedianMs { get; set; }

        public double FastestBatchMs { get; set; }

        public double SlowestBatchMs { get; set; }

        /// <summary>2*M*N*K / median time.</summary>
        public double Tflops { get; set; }

        /// <summary>The CPU's theoretical peak for this type; empty when it cannot be known (PeakBasis says why).</summary>
        public double? PeakTflops { get; set; }

        public double? PercentOfPeak { get; set; }

        /// <summary>How the peak was derived (cores, FMA units, lanes, clock and where each came from).</summary>
        public string PeakBasis { get; set; } = string.Empty;

        public string Accumulation { get; set; } = string.Empty;

        public double RelativeError { get; set; }

        public double Tolerance { get; set; }

        public int Batches { get; set; }

        public int CallsPerBatch { get; set; }

        /// <summary>Threads the GEMM ran on (as the library reports after it was set, where it reports).</summary>
        public int Threads { get; set; }

        /// <summary>How the thread count was set (the library export used), or why it could not be.</summary>
        public string ThreadControl { get; set; } = string.Empty;

        public string Method { get; set; } = string.Empty;

        /// <summary>"OpenBLAS 0.3.26", "MKL 2024.2 (inside PyTorch)", or "managed kernel (no BLAS)".</summary>
        public string Library { get; set; } = string.Empty;

        /// <summary>
        /// The library's configuration text (openblas_get_config, mkl_get_version_string), or the managed kernel's vector width.
        /// </summary>
        public string LibraryConfig { get; set; } = string.Empty;

        public string? LibraryPath { get; set; }

        /// <summary>True when no BLAS was used: the module's own managed kernel ran.</summary>
        public bool IsManagedFallback { get; set; }

        /// <summary>
        /// What to know about this figure (managed kernel or reference BLAS: how far from a real BLAS, and the fix); empty otherwise.
        /// </summary>
        public string? Warning { get; set; }

        public override string ToString() => $"CPU {DataType} {M}x{N}x{K}: {Tflops:0.000} TFLOPS ({Library})";
    }
}
