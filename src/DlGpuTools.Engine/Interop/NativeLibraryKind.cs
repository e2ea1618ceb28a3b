namespace DlGpuTools.Interop
{
    /// <summary>The native libraries the module binds to.</summary>
    public enum NativeLibraryKind
    {
        CudaDriver,
        Nvml,
        CuBlasLt,
    }
}
