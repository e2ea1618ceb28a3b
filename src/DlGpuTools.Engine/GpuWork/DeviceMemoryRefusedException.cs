using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>The device had no room for a buffer the work needs.</summary>
    public sealed class DeviceMemoryRefusedException : DlGpuToolsException
    {
        internal DeviceMemoryRefusedException(ulong bytes, CudaResult result)
            : base(ErrorCatalogue.DeviceMemoryRefused, $"The GPU refused {bytes / 1048576.0:N0} MiB of device memory ({result}).")
        {
            Result = result;
        }

        internal CudaResult Result { get; }
    }
}
