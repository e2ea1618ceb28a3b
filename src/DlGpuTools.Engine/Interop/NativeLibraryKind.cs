namespace DlGpuTools.Interop
{
    /// <summary>The native libraries the module binds to or checks.</summary>
    internal enum NativeLibraryKind
    {
        CudaDriver,
        Nvml,
        CuBlasLt,
        CudaRuntime,
        CuBlas,
        CuDnn,

        /// <summary>A CPU BLAS (MKL, OpenBLAS, BLIS, Accelerate or a reference BLAS): the CPU side of the GEMM comparisons.</summary>
        CpuBlas,

        /// <summary>NCCL, NVIDIA's collective communication library (Linux only: NVIDIA ships no Windows build).</summary>
        Nccl,
    }
}
