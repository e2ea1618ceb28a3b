using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>The device had no room for a buffer the work needs.</summary>
    public sealed class DeviceMemoryRefusedException : DlGpuToolsException
    {
        public const string Id = "DeviceMemoryRefused";

        internal DeviceMemoryRefusedException(ulong bytes, CudaResult result)
            : base(
                Id,
                FailureCategory.ResourceUnavailable,
                $"The GPU refused {bytes / 1048576.0:N0} MiB of device memory ({result}).",
                "Free GPU memory used by other processes (Get-CudaDevice shows them), or ask for less.")
        {
            Result = result;
        }

        public CudaResult Result { get; }
    }
}
