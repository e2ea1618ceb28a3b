using System;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork.Port
{
    /// <summary>
    /// <see cref="CudaPort"/>'s lease on a device's primary context: retained on creation, released once on Dispose (the
    /// driver destroys the context with its last release); <see cref="Enter"/> pushes it on the calling thread's context
    /// stack and the returned scope (Interop's <see cref="ContextScope"/>, as for the module's own contexts) pops it there.
    /// </summary>
    internal sealed class PrimaryContextLease : IPortLease
    {
        private readonly CudaDriver _driver;
        private readonly int _handle;
        private bool _released;

        public PrimaryContextLease(CudaDriver driver, int device)
        {
            _driver = driver;
            Device = device;
            driver.ThrowIfFailed(driver.cuDeviceGet(device, out _handle));
            driver.ThrowIfFailed(driver.cuDevicePrimaryCtxRetain(_handle, out IntPtr context));
            Context = context;
        }

        public int Device { get; }

        public IntPtr Context { get; }

        public IDisposable Enter()
        {
            if (_released) throw new ObjectDisposedException(nameof(PrimaryContextLease));
            _driver.ThrowIfFailed(_driver.cuCtxPushCurrent(Context));
            return new ContextScope(_driver);
        }

        // Runs in finally blocks: the driver's refusal must not replace the exception that is unwinding.
        public void Dispose()
        {
            if (_released) return;
            _released = true;
            _driver.cuDevicePrimaryCtxRelease(_handle);
        }
    }
}
