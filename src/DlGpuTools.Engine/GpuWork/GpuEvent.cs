using System;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>One CUDA event of the current context, destroyed on Dispose.</summary>
    internal sealed class GpuEvent : IDisposable
    {
        private readonly CudaDriver _driver;
        private IntPtr _handle;

        private GpuEvent(CudaDriver driver, IntPtr handle)
        {
            _driver = driver;
            _handle = handle;
        }

        public IntPtr Handle => _handle;

        public static GpuEvent Create(CudaDriver driver)
        {
            driver.ThrowIfFailed(driver.cuEventCreate(out IntPtr e, 0));
            return new GpuEvent(driver, e);
        }

        public void Record(IntPtr stream) => _driver.ThrowIfFailed(_driver.cuEventRecord(_handle, stream));

        public void Synchronize() => _driver.ThrowIfFailed(_driver.cuEventSynchronize(_handle));

        /// <summary>Milliseconds from <paramref name="start"/> to this event (both recorded and complete).</summary>
        public double Since(GpuEvent start)
        {
            _driver.ThrowIfFailed(_driver.cuEventElapsedTime(out float ms, start._handle, _handle));
            return ms;
        }

        public void Dispose()
        {
            if (_handle == IntPtr.Zero) return;
            _driver.cuEventDestroy(_handle);
            _handle = IntPtr.Zero;
        }
    }
}
