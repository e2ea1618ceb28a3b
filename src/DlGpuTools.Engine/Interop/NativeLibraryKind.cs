namespace DlGpuTools.Interop
{
    /// <summary>The native libraries the module binds to or checks.</summary>
    public enum NativeLibraryKind
    {
        CudaDriver,
        Nvml,
        CuBlasLt,
        CudaRuntime,
        CuBlas,
        CuDnn,
    }
}
