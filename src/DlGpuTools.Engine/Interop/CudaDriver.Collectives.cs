using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// What the collectives need beyond the core set: a stream query, so a wait on NCCL's work can be bounded
    /// (poll, never block without a deadline), and the device a pointer lives on.
    /// </summary>
    internal sealed unsafe partial class CudaDriver
    {
        /// <summary>CUDA_SUCCESS when all work on the stream is done, CUDA_ERROR_NOT_READY while some is pending.</summary>
        public CudaResult cuStreamQuery(IntPtr stream) =>
            _native.cuStreamQuery(stream);
    }
}
