using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The NVML calls Test-GpuHealth reads beyond what listing and sampling read: memory repair state, link errors, limits, events.
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>nvmlEventTypeXidCriticalError: the driver reported an Xid (a GPU fault it logged to the kernel log).</summary>
        public const ulong EventTypeXidCriticalError = 0x8;

        /// <summary>NVML_TEMPERATURE_THRESHOLD_SLOWDOWN: the temperature at which the GPU starts to slow its clocks.</summary>
        public const int TemperatureThresholdSlowdown = 1;

        /// <summary>
        /// nvmlDeviceGetRemappedRows (Ampere and newer with HBM): rows remapped for correctable and uncorrectable
        /// errors, whether a remap waits for the next GPU reset, and whether a remap failed (no spare row left).
        /// </summary>
        public NvmlReturn nvmlDeviceGetRemappedRows(IntPtr device, out uint correctable, out uint uncorrectable,
            out bool pending, out bool failed)
        {
            correctable = uncorrectable = 0;
            pending = failed = false;
            uint c, u, p, x;
            var r = _native.nvmlDeviceGetRemappedRows(device, &c, &u, &p, &x);
            correctable = c;
            uncorrectable = u;
            pending = p != 0;
            failed = x != 0;
            return r;
        }

        /// <summary>
        /// nvmlDeviceGetRetiredPagesPendingStatus (Kepler to Volta; newer GPUs remap rows instead and say NOT_SUPPORTED).
        /// </summary>
        public NvmlReturn nvmlDeviceGetRetiredPagesPendingStatus(IntPtr device, out bool pending)
        {
            pending = false;
            int p;
            var r = _native.nvmlDeviceGetRetiredPagesPendingStatus(device, &p);
            pending = p != 0;
            return r;
        }

        /// <summary>
        /// nvmlDeviceGetTemperatureThreshold for one threshold (<see cref="TemperatureThresholdSlowdown"/>), in degrees C.
        /// </summary>
        public NvmlReturn nvmlDeviceGetTemperatureThreshold(IntPtr device, int threshold, out uint celsius)
        {
            celsius = 0;
            uint t;
            var r = _native.nvmlDeviceGetTemperatureThreshold(device, threshold, &t);
            celsius = t;
            return r;
        }

        /// <summary>nvmlEventSetCreate: an event set, freed with <see cref="nvmlEventSetFree"/>.</summary>
        public NvmlReturn nvmlEventSetCreate(out IntPtr set)
        {
            set = IntPtr.Zero;
            IntPtr s;
            var r = _native.nvmlEventSetCreate(&s);
            set = s;
            return r;
        }

        public NvmlReturn nvmlDeviceRegisterEvents(IntPtr device, ulong eventTypes, IntPtr set)
        {
            return _native.nvmlDeviceRegisterEvents(device, eventTypes, set);
        }

        /// <summary>
        /// nvmlEventSetWait_v2: the next event, or NVML_ERROR_TIMEOUT when none came within <paramref name="timeoutMs"/>.
        /// </summary>
        public NvmlReturn nvmlEventSetWait(IntPtr set, uint timeoutMs, out NvmlEventData data)
        {
            data = default;
            NvmlEventData d;
            var r = _native.nvmlEventSetWait_v2(set, &d, timeoutMs);
            data = d;
            return r;
        }

        public NvmlReturn nvmlEventSetFree(IntPtr set)
        {
            return _native.nvmlEventSetFree(set);
        }
    }

    /// <summary>nvmlEventData_t: which device, which event, and its data (the Xid number for Xid events).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlEventData
    {
        public IntPtr Device;
        public ulong EventType;
        public ulong EventData;
        public uint GpuInstanceId;
        public uint ComputeInstanceId;
    }
}
