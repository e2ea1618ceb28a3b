using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// NVML's per-process accounting (nvidia-smi --query-accounted-apps): while accounting mode is on, the driver keeps
    /// each compute process's lifetime utilization, peak memory and run time in a circular buffer, also after it ends.
    /// Kepler and newer; disabled on MIG-enabled GPUs. Reference: NVML API, "Accounting Statistics"
    /// (https://docs.nvidia.com/deploy/nvml-api/group__nvmlAccountingStats.html).
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>nvmlDeviceGetAccountingMode: whether the driver keeps per-process accounting on this GPU (nvmlEnableState_t).</summary>
        public NvmlReturn nvmlDeviceGetAccountingMode(IntPtr device, out bool enabled)
        {
            enabled = false;
            int mode;
            var r = _native.nvmlDeviceGetAccountingMode(device, &mode);
            enabled = mode == 1; // NVML_FEATURE_ENABLED
            return r;
        }

        /// <summary>
        /// nvmlDeviceGetAccountingPids: the processes, running or ended, whose stats the driver holds. Asked with no
        /// buffer first (NVML answers INSUFFICIENT_SIZE with the count), then with room and slack, since processes come
        /// and go between the two calls.
        /// </summary>
        public NvmlReturn nvmlDeviceGetAccountingPids(IntPtr device, out uint[] pids)
        {
            pids = Array.Empty<uint>();
            uint count = 0;
            NvmlReturn r = _native.nvmlDeviceGetAccountingPids(device, &count, null);
            if (r == NvmlReturn.NVML_SUCCESS) return r;
            for (int attempt = 0; attempt < 4 && r == NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE; attempt++)
            {
                uint capacity = count + 16;
                var buffer = new uint[capacity];
                count = capacity;
                fixed (uint* p = buffer) r = _native.nvmlDeviceGetAccountingPids(device, &count, p);
                if (r == NvmlReturn.NVML_SUCCESS)
                {
                    Array.Resize(ref buffer, (int)Math.Min(count, capacity));
                    pids = buffer;
                }
            }

            return r;
        }

        /// <summary>nvmlDeviceGetAccountingStats: one process's lifetime figures (NOT_FOUND once the buffer dropped it).</summary>
        public NvmlReturn nvmlDeviceGetAccountingStats(IntPtr device, uint pid, out NvmlAccountingStats stats)
        {
            stats = default;
            NvmlAccountingStats s;
            var r = _native.nvmlDeviceGetAccountingStats(device, pid, &s);
            stats = s;
            return r;
        }
    }

    /// <summary>
    /// nvmlAccountingStats_t (nvml.h, 56 bytes): percentages over the process's life, the most memory it ever held,
    /// its active time in ms (0 while it runs), its start as a CPU timestamp in microseconds, whether it still runs.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NvmlAccountingStats
    {
        public uint GpuUtilization;
        public uint MemoryUtilization;
        public ulong MaxMemoryUsage;
        public ulong Time;
        public ulong StartTime;
        public uint IsRunning;
        public fixed uint Reserved[5];
    }
}
