using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>The NVML calls Test-GpuHealth reads beyond what listing and sampling read: memory repair state, link errors, limits, events.</summary>
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
        public NvmlReturn nvmlDeviceGetRemappedRows(IntPtr device, out uint correctable, out uint uncorrectable, out bool pending, out bool failed)
        {
            correctable = uncorrectable = 0;
            pending = failed = false;
            IntPtr f = Fn("nvmlDeviceGetRemappedRows", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint c, u, p, x;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, uint*, uint*, uint*, uint*, NvmlReturn>)f)(device, &c, &u, &p, &x);
            correctable = c;
            uncorrectable = u;
            pending = p != 0;
            failed = x != 0;
            return r;
        }

        /// <summary>nvmlDeviceGetRetiredPagesPendingStatus (Kepler to Volta; newer GPUs remap rows instead and say NOT_SUPPORTED).</summary>
        public NvmlReturn nvmlDeviceGetRetiredPagesPendingStatus(IntPtr device, out bool pending)
        {
            pending = false;
            IntPtr f = Fn("nvmlDeviceGetRetiredPagesPendingStatus", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            int p;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, int*, NvmlReturn>)f)(device, &p);
            pending = p != 0;
            return r;
        }

        /// <summary>nvmlDeviceGetTemperatureThreshold for one threshold (<see cref="TemperatureThresholdSlowdown"/>), in degrees C.</summary>
        public NvmlReturn nvmlDeviceGetTemperatureThreshold(IntPtr device, int threshold, out uint celsius)
        {
            celsius = 0;
            IntPtr f = Fn("nvmlDeviceGetTemperatureThreshold", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint t;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, int, uint*, NvmlReturn>)f)(device, threshold, &t);
            celsius = t;
            return r;
        }

        /// <summary>nvmlEventSetCreate: an event set, freed with <see cref="nvmlEventSetFree"/>.</summary>
        public NvmlReturn nvmlEventSetCreate(out IntPtr set)
        {
            set = IntPtr.Zero;
            IntPtr f = Fn("nvmlEventSetCreate", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            IntPtr s;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, NvmlReturn>)f)(&s);
            set = s;
            return r;
        }

        public NvmlReturn nvmlDeviceRegisterEvents(IntPtr device, ulong eventTypes, IntPtr set)
        {
            IntPtr f = Fn("nvmlDeviceRegisterEvents", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            return ((delegate* unmanaged[Cdecl]<IntPtr, ulong, IntPtr, NvmlReturn>)f)(device, eventTypes, set);
        }

        /// <summary>nvmlEventSetWait_v2: the next event, or NVML_ERROR_TIMEOUT when none came within <paramref name="timeoutMs"/>.</summary>
        public NvmlReturn nvmlEventSetWait(IntPtr set, uint timeoutMs, out NvmlEventData data)
        {
            data = default;
            IntPtr f = Fn("nvmlEventSetWait_v2", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            NvmlEventData d;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlEventData*, uint, NvmlReturn>)f)(set, &d, timeoutMs);
            data = d;
            return r;
        }

        public NvmlReturn nvmlEventSetFree(IntPtr set)
        {
            IntPtr f = Fn("nvmlEventSetFree", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            return ((delegate* unmanaged[Cdecl]<IntPtr, NvmlReturn>)f)(set);
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
