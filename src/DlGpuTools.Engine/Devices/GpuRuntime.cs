using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// The native libraries and retained contexts of one process, loaded on first use and kept, so a
    /// PowerShell session pays for probing and cuInit once. A failed load is not remembered: installing a
    /// driver and trying again in the same session works. The module's OnRemove hook disposes it.
    /// </summary>
    public sealed class GpuRuntime : IDisposable
    {
        private static readonly object SharedLock = new object();
        private static GpuRuntime _shared;
        private static string _sharedKey;

        private readonly object _lock = new object();
        private readonly ProbeEnvironment _environment;
        private readonly INativeLoader _loader;
        private readonly Dictionary<int, PrimaryContext> _contexts = new Dictionary<int, PrimaryContext>();
        private CudaDriver _driver;
        private Nvml _nvml;
        private CuBlasLt _cuBlasLt;
        private CudaRuntimeLibrary _cudaRuntime;
        private CuBlasLibrary _cuBlas;
        private CuDnnLibrary _cuDnn;
        private bool _disposed;

        public GpuRuntime(ProbeEnvironment environment, INativeLoader loader)
        {
            _environment = environment ?? throw new ArgumentNullException(nameof(environment));
            _loader = loader ?? throw new ArgumentNullException(nameof(loader));
        }

        /// <summary>
        /// The process-wide runtime. Rebuilt when an override variable changes, so pointing
        /// DLGPUTOOLS_CUDA_DRIVER_PATH elsewhere takes effect without restarting PowerShell.
        /// </summary>
        public static GpuRuntime Shared
        {
            get
            {
                lock (SharedLock)
                {
                    string key = Environment.GetEnvironmentVariable(LibraryCandidates.CudaDriverOverrideVariable) + "|"
                        + Environment.GetEnvironmentVariable(LibraryCandidates.NvmlOverrideVariable) + "|"
                        + Environment.GetEnvironmentVariable(LibraryCandidates.CuBlasLtOverrideVariable) + "|"
                        + Environment.GetEnvironmentVariable(LibraryCandidates.CudaRuntimeOverrideVariable) + "|"
                        + Environment.GetEnvironmentVariable(LibraryCandidates.CuBlasOverrideVariable) + "|"
                        + Environment.GetEnvironmentVariable(LibraryCandidates.CuDnnOverrideVariable);
                    if (_shared == null || _sharedKey != key)
                    {
                        _shared?.Dispose();
                        _shared = new GpuRuntime(ProbeEnvironment.Current(), PlatformNativeLoader.Instance);
                        _sharedKey = key;
                    }

                    return _shared;
                }
            }
        }

        /// <summary>Releases the shared runtime (module removal).</summary>
        public static void ResetShared()
        {
            lock (SharedLock)
            {
                _shared?.Dispose();
                _shared = null;
                _sharedKey = null;
            }
        }

        /// <summary>The CUDA driver; throws <see cref="NativeLibraryNotFoundException"/> with the search trace when absent.</summary>
        public CudaDriver Driver
        {
            get
            {
                lock (_lock)
                {
                    ThrowIfDisposed();
                    return _driver ?? (_driver = CudaDriver.Load(_environment, _loader));
                }
            }
        }

        /// <summary>cuBLASLt; throws <see cref="NativeLibraryNotFoundException"/> with the search trace when absent.</summary>
        public CuBlasLt CuBlasLt
        {
            get
            {
                lock (_lock)
                {
                    ThrowIfDisposed();
                    return _cuBlasLt ?? (_cuBlasLt = CuBlasLt.Load(_environment, _loader));
                }
            }
        }

        // The toolkit libraries are loaded once per runtime and kept mapped (see ToolkitLibrary.Dispose): a
        // wrapper left to the garbage collector would dlclose cuDNN or cudart under the code still using them.
        public CudaRuntimeLibrary CudaRuntime => LoadOnce(ref _cudaRuntime, () => CudaRuntimeLibrary.Load(_environment, _loader));

        public CuBlasLibrary CuBlas => LoadOnce(ref _cuBlas, () => CuBlasLibrary.Load(_environment, _loader));

        public CuDnnLibrary CuDnn => LoadOnce(ref _cuDnn, () => CuDnnLibrary.Load(_environment, _loader));

        private T LoadOnce<T>(ref T field, Func<T> load)
            where T : class
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                return field ?? (field = load());
            }
        }

        /// <summary>NVML, or null with the reason when it cannot be loaded. NVML is optional: its facts are extras.</summary>
        public Nvml TryGetNvml(out NativeLibraryNotFoundException failure)
        {
            failure = null;
            lock (_lock)
            {
                ThrowIfDisposed();
                if (_nvml != null) return _nvml;
                try
                {
                    _nvml = Nvml.Load(_environment, _loader);
                }
                catch (NativeLibraryNotFoundException e)
                {
                    failure = e;
                }

                return _nvml;
            }
        }

        /// <summary>The retained primary context of a device (cuInit must have succeeded).</summary>
        public PrimaryContext GetContext(int device)
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                if (!_contexts.TryGetValue(device, out PrimaryContext context))
                {
                    context = PrimaryContext.Retain(Driver, device);
                    _contexts[device] = context;
                }

                return context;
            }
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(GpuRuntime));
        }

        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                foreach (PrimaryContext context in _contexts.Values) context.Dispose();
                _contexts.Clear();
                _nvml?.Dispose();
                _cuBlasLt?.Dispose();
                _cudaRuntime?.Dispose();
                _cuBlas?.Dispose();
                _cuDnn?.Dispose();
                _driver?.Dispose();
            }
        }
    }
}
