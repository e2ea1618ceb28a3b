using System;

namespace DlGpuTools.Interop
{
    /// <summary>The NVML calls live monitoring reads every sample: clocks, throttle reasons, PCIe and NVLink traffic, ECC, per-process utilization.</summary>
    internal sealed unsafe partial class Nvml
    {
        public NvmlReturn nvmlDeviceGetClockInfo(IntPtr device, NvmlClockType type, out uint mhz)
        {
            mhz = 0;
            IntPtr f = Fn("nvmlDeviceGetClockInfo", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlClockType, uint*, NvmlReturn>)f)(device, type, &v);
            mhz = v;
            return r;
        }

        /// <summary>
        /// The clock-event reasons bit mask. R535 renamed the call from "throttle" to "clocks event" reasons with
        /// the same bits; the new name is tried first and the old one serves older drivers.
        /// </summary>
        public NvmlReturn nvmlDeviceGetCurrentClocksEventReasons(IntPtr device, out ulong reasons)
        {
            reasons = 0;
            IntPtr f = Fn("nvmlDeviceGetCurrentClocksEventReasons", out bool missing);
            if (missing) f = Fn("nvmlDeviceGetCurrentClocksThrottleReasons", out missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            ulong v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, ulong*, NvmlReturn>)f)(device, &v);
            reasons = v;
            return r;
        }

        /// <summary>PCIe traffic in KB/s over NVML's last 20 ms window.</summary>
        public NvmlReturn nvmlDeviceGetPcieThroughput(IntPtr device, NvmlPcieUtilCounter counter, out uint kilobytesPerSecond)
        {
            kilobytesPerSecond = 0;
            IntPtr f = Fn("nvmlDeviceGetPcieThroughput", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlPcieUtilCounter, uint*, NvmlReturn>)f)(device, counter, &v);
            kilobytesPerSecond = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetMemoryInfo_v2(IntPtr device, out NvmlMemoryV2 memory)
        {
            memory = default;
            IntPtr f = Fn("nvmlDeviceGetMemoryInfo_v2", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            var m = new NvmlMemoryV2 { Version = NvmlMemoryV2.Version2 };
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlMemoryV2*, NvmlReturn>)f)(device, &m);
            memory = m;
            return r;
        }

        public NvmlReturn nvmlDeviceGetTotalEccErrors(IntPtr device, NvmlMemoryErrorType errorType, NvmlEccCounterType counterType, out ulong count)
        {
            count = 0;
            IntPtr f = Fn("nvmlDeviceGetTotalEccErrors", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            ulong v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlMemoryErrorType, NvmlEccCounterType, ulong*, NvmlReturn>)f)(device, errorType, counterType, &v);
            count = v;
            return r;
        }

        /// <summary>Reads the fields in place: each entry's FieldId/ScopeId in, its value and status out.</summary>
        public NvmlReturn nvmlDeviceGetFieldValues(IntPtr device, NvmlFieldValue[] values)
        {
            IntPtr f = Fn("nvmlDeviceGetFieldValues", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            fixed (NvmlFieldValue* p = values) return ((delegate* unmanaged[Cdecl]<IntPtr, int, NvmlFieldValue*, NvmlReturn>)f)(device, values.Length, p);
        }

        /// <summary>
        /// Per-process SM and memory utilization samples newer than <paramref name="lastSeenTimeStamp"/> (CPU
        /// microseconds). NVML answers NVML_ERROR_NOT_FOUND when no process ran a kernel since then.
        /// </summary>
        public NvmlReturn nvmlDeviceGetProcessUtilization(IntPtr device, ulong lastSeenTimeStamp, out NvmlProcessUtilizationSample[] samples)
        {
            samples = Array.Empty<NvmlProcessUtilizationSample>();
            IntPtr f = Fn("nvmlDeviceGetProcessUtilization", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            var call = (delegate* unmanaged[Cdecl]<IntPtr, NvmlProcessUtilizationSample*, uint*, ulong, NvmlReturn>)f;
            // A null buffer asks for the count; processes come and go between the two calls, so retry with slack.
            uint count = 0;
            NvmlReturn r = call(device, null, &count, lastSeenTimeStamp);
            if (r != NvmlReturn.NVML_SUCCESS && r != NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE) return r;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                uint capacity = count + 8;
                var buffer = new NvmlProcessUtilizationSample[capacity];
                count = capacity;
                fixed (NvmlProcessUtilizationSample* p = buffer) r = call(device, p, &count, lastSeenTimeStamp);
                if (r == NvmlReturn.NVML_SUCCESS)
                {
                    Array.Resize(ref buffer, (int)Math.Min(count, capacity));
                    samples = buffer;
                    return r;
                }

                if (r != NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE) return r;
            }

            return NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE;
        }
    }
}
