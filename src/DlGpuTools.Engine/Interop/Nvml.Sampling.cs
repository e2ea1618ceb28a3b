using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The NVML calls live monitoring reads every sample: clocks, throttle reasons, PCIe and NVLink traffic, ECC, per-process utilization.
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        public NvmlReturn nvmlDeviceGetClockInfo(IntPtr device, NvmlClockType type, out uint mhz)
        {
            mhz = 0;
            uint v;
            var r = _native.nvmlDeviceGetClockInfo(device, type, &v);
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
            ulong v;
            var r = _native.HasNvmlDeviceGetCurrentClocksEventReasons
                ? _native.nvmlDeviceGetCurrentClocksEventReasons(device, &v)
                : _native.nvmlDeviceGetCurrentClocksThrottleReasons(device, &v);
            reasons = v;
            return r;
        }

        /// <summary>PCIe traffic in KB/s over NVML's last 20 ms window.</summary>
        public NvmlReturn nvmlDeviceGetPcieThroughput(IntPtr device, NvmlPcieUtilCounter counter, out uint kilobytesPerSecond)
        {
            kilobytesPerSecond = 0;
            uint v;
            var r = _native.nvmlDeviceGetPcieThroughput(device, counter, &v);
            kilobytesPerSecond = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetMemoryInfo_v2(IntPtr device, out NvmlMemoryV2 memory)
        {
            memory = default;
            var m = new NvmlMemoryV2 { Version = NvmlMemoryV2.Version2 };
            var r = _native.nvmlDeviceGetMemoryInfo_v2(device, &m);
            memory = m;
            return r;
        }

        public NvmlReturn nvmlDeviceGetTotalEccErrors(IntPtr device, NvmlMemoryErrorType errorType,
            NvmlEccCounterType counterType, out ulong count)
        {
            count = 0;
            ulong v;
            var r = _native.nvmlDeviceGetTotalEccErrors(device, errorType, counterType, &v);
            count = v;
            return r;
        }

        /// <summary>Reads the fields in place: each entry's FieldId/ScopeId in, its value and status out.</summary>
        public NvmlReturn nvmlDeviceGetFieldValues(IntPtr device, NvmlFieldValue[] values)
        {
            fixed (NvmlFieldValue* p = values) return _native.nvmlDeviceGetFieldValues(device, values.Length, p);
        }

        /// <summary>
        /// Per-process SM and memory utilization samples newer than <paramref name="lastSeenTimeStamp"/> (CPU
        /// microseconds). NVML answers NVML_ERROR_NOT_FOUND when no process ran a kernel since then.
        /// </summary>
        public NvmlReturn nvmlDeviceGetProcessUtilization(IntPtr device, ulong lastSeenTimeStamp,
            out NvmlProcessUtilizationSample[] samples)
        {
            samples = Array.Empty<NvmlProcessUtilizationSample>();
            // A null buffer asks for the count; processes come and go between the two calls, so retry with slack.
            uint count = 0;
            NvmlReturn r = _native.nvmlDeviceGetProcessUtilization(device, null, &count, lastSeenTimeStamp);
            if (r != NvmlReturn.NVML_SUCCESS && r != NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE) return r;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                uint capacity = count + 8;
                var buffer = new NvmlProcessUtilizationSample[capacity];
                count = capacity;
                fixed (NvmlProcessUtilizationSample* p = buffer)
                    r = _native.nvmlDeviceGetProcessUtilization(device, p, &count, lastSeenTimeStamp);
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
