using System;
using System.Threading;

namespace DlGpuTools.Interop
{
    /// <summary>A CUDA stream of the current context, destroyed once on Dispose.</summary>
    internal sealed class CudaStream : IDisposable
    {
        private readonly CudaDriver _driver;
        private int _disposed;

        private CudaStream(CudaDriver driver, IntPtr handle)
        {
            _driver = driver;
            Handle = handle;
        }

        public IntPtr Handle { get; }

        /// <summary>A non-blocking stream (CU_STREAM_NON_BLOCKING), so other work on the legacy stream cannot serialize with the timing.</summary>
        public static CudaStream Create(CudaDriver driver)
        {
            driver.ThrowIfFailed(driver.cuStreamCreate(out IntPtr stream, 1));
            return new CudaStream(driver, stream);
        }

        public void Synchronize() => _driver.ThrowIfFailed(_driver.cuStreamSynchronize(Handle));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _driver.cuStreamDestroy(Handle);
        }
    }
}
