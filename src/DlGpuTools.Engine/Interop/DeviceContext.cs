using System;
using System.Threading;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// One use of the module's CUDA context on a device: taken from <see cref="ContextRegistry.Acquire"/>, given
    /// back exactly once when disposed. The context lives while any lease on it does, in any runspace.
    /// </summary>
    internal sealed class DeviceContext : IDisposable
    {
        private readonly ContextRegistry _registry;
        private readonly ContextRegistry.Entry _entry;
        private int _released;

        internal DeviceContext(ContextRegistry registry, ContextRegistry.Entry entry, CudaDriver driver)
        {
            _registry = registry;
            _entry = entry;
            Driver = driver;
        }

        internal CudaDriver Driver { get; }

        /// <summary>The CUDA ordinal of the device.</summary>
        public int Device => _entry.Device;

        /// <summary>The context handle; valid while this lease is held.</summary>
        public IntPtr Handle => _entry.Handle;

        /// <summary>True once this lease has been given back (the handle may then name a destroyed context).</summary>
        public bool IsReleased => Volatile.Read(ref _released) != 0;

        /// <summary>
        /// Makes the context current on this thread until the scope is disposed, on the same thread: the
        /// driver keeps one context stack per thread. PowerShell may run a pipeline's stages on different
        /// threads, so every engine call that touches the device opens its own scope.
        /// </summary>
        public ContextScope Enter()
        {
            if (IsReleased) throw new ObjectDisposedException(nameof(DeviceContext), "This context lease was already given back.");
            Driver.ThrowIfFailed(Driver.cuCtxPushCurrent(Handle));
            return new ContextScope(Driver);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            _registry.Release(_entry);
        }
    }

    /// <summary>Pops the context pushed by <see cref="DeviceContext.Enter"/>.</summary>
    internal struct ContextScope : IDisposable
    {
        private CudaDriver? _driver;

        internal ContextScope(CudaDriver driver)
        {
            _driver = driver;
        }

        public void Dispose()
        {
            CudaDriver? driver = _driver;
            _driver = null;
            driver?.cuCtxPopCurrent(out _);
        }
    }
}
