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

        /// <summary>
        /// A non-blocking stream (CU_STREAM_NON_BLOCKING), so other work on the legacy stream cannot serialize with the timing.
        /// </summary>
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

    /// <summary>A pair of CUDA events that time the work enqueued between them on one stream.</summary>
    internal sealed class EventTimer : IDisposable
    {
        private readonly CudaDriver _driver;
        private readonly IntPtr _start;
        private readonly IntPtr _end;
        private int _disposed;

        private EventTimer(CudaDriver driver, IntPtr start, IntPtr end)
        {
            _driver = driver;
            _start = start;
            _end = end;
        }

        public static EventTimer Create(CudaDriver driver)
        {
            driver.ThrowIfFailed(driver.cuEventCreate(out IntPtr start, 0));
            CudaResult second = driver.cuEventCreate(out IntPtr end, 0);
            if (second != CudaResult.CUDA_SUCCESS)
            {
                driver.cuEventDestroy(start);
                driver.ThrowIfFailed(second);
            }

            return new EventTimer(driver, start, end);
        }

        public void Start(CudaStream stream) => _driver.ThrowIfFailed(_driver.cuEventRecord(_start, stream.Handle));

        /// <summary>Records the end event, waits for it, and returns the GPU time between the two events in milliseconds.</summary>
        public double Stop(CudaStream stream)
        {
            _driver.ThrowIfFailed(_driver.cuEventRecord(_end, stream.Handle));
            _driver.ThrowIfFailed(_driver.cuEventSynchronize(_end));
            _driver.ThrowIfFailed(_driver.cuEventElapsedTime(out float ms, _start, _end));
            return ms;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _driver.cuEventDestroy(_start);
            _driver.cuEventDestroy(_end);
        }
    }
}
