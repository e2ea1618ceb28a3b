using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The CUDA contexts the module owns, one per device, counted by the leases that use them: created by the
    /// first lease, destroyed when the last is given back.
    /// </summary>
    /// <remarks>
    /// Why a context of our own and not the device's primary context: cuBLASLt and cuDNN carry the CUDA
    /// runtime, and the runtime takes its own reference on the primary context the first time it runs in it,
    /// and keeps it until the process exits. A primary context we had used would therefore never be destroyed,
    /// and PowerShell would hold its few hundred MB of GPU memory after every Measure-GpuMatMul (520 MiB on an
    /// H200, measured). With a context the module creates and makes current, the runtime works in that context
    /// instead (the driver/runtime interoperability rule), and destroying it gives everything back. The primary
    /// context, which other code in the process may share, is never touched. The price is creating a context
    /// when no command holds one: bench/Measure-ContextLifetime.ps1 measures it, and Measure-GpuMatMul's help
    /// states the figure.
    /// </remarks>
    internal sealed class ContextRegistry
    {
        private readonly object _lock = new object();
        private readonly CudaDriver _driver;
        private readonly Dictionary<int, Entry> _byDevice = new Dictionary<int, Entry>();

        internal ContextRegistry(CudaDriver driver)
        {
            _driver = driver;
        }

        /// <summary>A lease on the device's context, creating it if no lease holds one. cuInit must have succeeded.</summary>
        public DeviceContext Acquire(int device)
        {
            lock (_lock)
            {
                if (!_byDevice.TryGetValue(device, out Entry entry))
                {
                    _driver.ThrowIfFailed(_driver.cuDeviceGet(device, out int handle));
                    _driver.ThrowIfFailed(
                        _driver.cuCtxCreate(out IntPtr context, 0 /* CU_CTX_SCHED_AUTO, as the primary context */, handle));
                    // cuCtxCreate makes the new context current on this thread; leases push it where they use it.
                    _driver.cuCtxPopCurrent(out _);
                    entry = new Entry(device, context);
                    _byDevice.Add(device, entry);
                }

                entry.Users++;
                return new DeviceContext(this, entry, _driver);
            }
        }

        internal void Release(Entry entry)
        {
            lock (_lock)
            {
                if (--entry.Users > 0) return;
                _byDevice.Remove(entry.Device);
                // No lease is left, so no thread has it current through us: destroying it frees its memory.
                _driver.cuCtxDestroy(entry.Handle);
            }
        }

        /// <summary>How many leases hold the device's context now (0: the module holds no context there).</summary>
        public int Users(int device)
        {
            lock (_lock) return _byDevice.TryGetValue(device, out Entry entry) ? entry.Users : 0;
        }

        internal sealed class Entry
        {
            public Entry(int device, IntPtr handle)
            {
                Device = device;
                Handle = handle;
            }

            public int Device { get; }

            public IntPtr Handle { get; }

            public int Users { get; set; }
        }
    }
}
