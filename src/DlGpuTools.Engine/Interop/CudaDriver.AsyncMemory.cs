using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Stream-ordered memory operations. The synchronous cuMemsetD8/cuMemcpy* run on the legacy default
    /// stream, which a non-blocking stream (the benchmark's) is not ordered with: a poison written there may
    /// land after a GEMM launched on the benchmark's stream. These take the stream, so everything a
    /// measurement does to its buffers is ordered on one stream. Resolved on first use from the loaded driver
    /// (the bandwidth tests use them too).
    /// </summary>
    internal sealed unsafe partial class CudaDriver
    {
        /// <summary>Sets bytes of device memory, ordered on the stream.</summary>
        public CudaResult cuMemsetD8Async(ulong destination, byte value, ulong count, IntPtr stream) =>
            _native.cuMemsetD8Async(destination, value, new UIntPtr(count), stream);

        /// <summary>
        /// Host to device, ordered on the stream. From pageable memory the driver stages the data before it
        /// returns, so the source may be reused at once.
        /// </summary>
        public CudaResult cuMemcpyHtoDAsync(ulong destination, IntPtr source, ulong bytes, IntPtr stream) =>
            _native.cuMemcpyHtoDAsync_v2(destination, source, new UIntPtr(bytes), stream);

        /// <summary>Device to host, ordered on the stream; synchronize the stream before reading the destination.</summary>
        public CudaResult cuMemcpyDtoHAsync(IntPtr destination, ulong source, ulong bytes, IntPtr stream) =>
            _native.cuMemcpyDtoHAsync_v2(destination, source, new UIntPtr(bytes), stream);
    }
}
