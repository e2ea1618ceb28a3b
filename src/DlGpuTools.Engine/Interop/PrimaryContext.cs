using System;
using System.Threading;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A retained primary context of one device. The primary context is the one the CUDA runtime,
    /// cuBLAS and cuDNN use, so everything the module does on a device shares it instead of paying for
    /// a context each. Released exactly once (the Interlocked guard), on Dispose or, as a last resort, by
    /// the finalizer through SafeHandle.
    /// </summary>
    public sealed class PrimaryContext : IDisposable
    {
        private readonly CudaDriver _driver;
        private int _released;

        private PrimaryContext(CudaDriver driver, int device, IntPtr context)
        {
            _driver = driver;
            Device = device;
            Handle = context;
        }

        public int Device { get; }

        public IntPtr Handle { get; }

        public static PrimaryContext Retain(CudaDriver driver, int device)
        {
            driver.ThrowIfFailed(driver.cuDevicePrimaryCtxRetain(device, out IntPtr context));
            return new PrimaryContext(driver, device, context);
        }

        /// <summary>
        /// Makes the context current on this thread until the scope is disposed. PowerShell may run a
        /// pipeline's stages on different threads, so every engine call that touches the device opens one.
        /// </summary>
        public ContextScope Enter()
        {
            if (Volatile.Read(ref _released) != 0) throw new ObjectDisposedException(nameof(PrimaryContext));
            _driver.ThrowIfFailed(_driver.cuCtxPushCurrent(Handle));
            return new ContextScope(_driver);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            _driver.cuDevicePrimaryCtxRelease(Device);
        }
    }

    /// <summary>Pops the context pushed by <see cref="PrimaryContext.Enter"/>.</summary>
    public struct ContextScope : IDisposable
    {
        private CudaDriver _driver;

        internal ContextScope(CudaDriver driver)
        {
            _driver = driver;
        }

        public void Dispose()
        {
            CudaDriver driver = _driver;
            _driver = null;
            driver?.cuCtxPopCurrent(out _);
        }
    }
}
