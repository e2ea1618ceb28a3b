using System;
using System.Threading;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// One use of a device's primary context: retained when acquired, released exactly once when disposed.
    /// The primary context is the one the CUDA runtime, cuBLAS and cuDNN use, so everything the module does on
    /// a device shares it instead of paying for a context each.
    /// </summary>
    /// <remarks>
    /// The driver counts retains, so each lease is one retain and one release and needs no bookkeeping of
    /// ours: a context lives exactly as long as some lease holds it (in any runspace), and the driver destroys
    /// it, freeing the few hundred MB it holds on the GPU, when the last lease is disposed. Re-creating it on
    /// the next command costs what cuDevicePrimaryCtxRetain costs on a fresh device (see the help of
    /// Measure-GpuMatMul for the figure measured on an H100/H200). A command that makes several calls on one
    /// device holds one lease across them (<see cref="Devices.GpuRuntime.KeepContextAlive"/>).
    /// </remarks>
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

        /// <summary>The context handle; valid while this lease is held.</summary>
        public IntPtr Handle { get; }

        /// <summary>True once this lease has been given back (the handle may then name a destroyed context).</summary>
        public bool IsReleased => Volatile.Read(ref _released) != 0;

        /// <summary>Retains the device's primary context (creating it if no one holds it). cuInit must have succeeded.</summary>
        public static PrimaryContext Retain(CudaDriver driver, int device)
        {
            if (driver == null) throw new ArgumentNullException(nameof(driver));
            driver.ThrowIfFailed(driver.cuDevicePrimaryCtxRetain(device, out IntPtr context));
            return new PrimaryContext(driver, device, context);
        }

        /// <summary>
        /// Makes the context current on this thread until the scope is disposed, on the same thread: the
        /// driver keeps one context stack per thread. PowerShell may run a pipeline's stages on different
        /// threads, so every engine call that touches the device opens its own scope.
        /// </summary>
        public ContextScope Enter()
        {
            if (Volatile.Read(ref _released) != 0) throw new ObjectDisposedException(nameof(PrimaryContext), "This context lease was already released.");
            _driver.ThrowIfFailed(_driver.cuCtxPushCurrent(Handle));
            return new ContextScope(_driver);
        }

        /// <summary>Gives the retain back; the driver destroys the context when no lease in the process holds it.</summary>
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
