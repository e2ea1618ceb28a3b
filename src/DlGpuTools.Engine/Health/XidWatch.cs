using System;
using System.Collections.Generic;
using System.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Listens for Xid events (NVML's critical-error events) on the GPUs while the other checks run. NVML delivers only
    /// events that happen after registration, so the watch opens first and is drained last; a driver or container
    /// that cannot deliver events (NOT_SUPPORTED, no permission) makes the check Skipped with the reason.
    /// </summary>
    internal sealed class XidWatch : IDisposable
    {
        private readonly Nvml _nvml;
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private readonly Dictionary<IntPtr, int> _registered = new Dictionary<IntPtr, int>();
        private readonly Dictionary<int, NvmlReturn> _refused = new Dictionary<int, NvmlReturn>();
        private IntPtr _set;

        private XidWatch(Nvml nvml, IntPtr set)
        {
            _nvml = nvml;
            _set = set;
        }

        /// <summary>Why no set could be made (NVML's answer), when <see cref="Open"/> returned null.</summary>
        public static XidWatch? Open(Nvml nvml, out NvmlReturn failure)
        {
            failure = nvml.nvmlEventSetCreate(out IntPtr set);
            return failure == NvmlReturn.NVML_SUCCESS ? new XidWatch(nvml, set) : null;
        }

        public void Register(IntPtr handle, int gpu)
        {
            NvmlReturn r = _nvml.nvmlDeviceRegisterEvents(handle, Nvml.EventTypeXidCriticalError, _set);
            if (r == NvmlReturn.NVML_SUCCESS) _registered[handle] = gpu;
            else _refused[gpu] = r;
        }

        /// <summary>NVML's answer for a GPU whose events could not be registered; null when they were.</summary>
        public NvmlReturn? Refused(int gpu) => _refused.TryGetValue(gpu, out NvmlReturn r) ? r : (NvmlReturn?)null;

        /// <summary>
        /// The Xids seen, per GPU index, waiting until <paramref name="watchFor"/> has passed since the watch opened.
        /// Each wait is bounded by NVML's own timeout, so a quiet GPU costs only the time left.
        /// </summary>
        public Dictionary<int, List<ulong>> Drain(TimeSpan watchFor)
        {
            var seen = new Dictionary<int, List<ulong>>();
            if (_registered.Count == 0) return seen;
            while (true)
            {
                double left = watchFor.TotalMilliseconds - _since.Elapsed.TotalMilliseconds;
                NvmlReturn r = _nvml.nvmlEventSetWait(_set, (uint)Math.Max(0, Math.Min(left, 60000)), out NvmlEventData data);
                if (r != NvmlReturn.NVML_SUCCESS) break; // NVML_ERROR_TIMEOUT: nothing more came in time
                if ((data.EventType & Nvml.EventTypeXidCriticalError) != 0 && _registered.TryGetValue(data.Device, out int gpu))
                {
                    if (!seen.TryGetValue(gpu, out List<ulong>? xids)) seen[gpu] = xids = new List<ulong>();
                    xids.Add(data.EventData);
                }

                if (left <= 0) break;
            }

            return seen;
        }

        public void Dispose()
        {
            if (_set == IntPtr.Zero) return;
            _nvml.nvmlEventSetFree(_set);
            _set = IntPtr.Zero;
        }
    }
}
