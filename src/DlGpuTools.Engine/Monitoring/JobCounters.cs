using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The NVML readings a job summary is made of: utilization, memory and power now, the energy counter, and accounting.
    /// All are read on the whole GPU's handle: a job summary is per GPU, and NVML answers power, energy and accounting
    /// only for a whole GPU (a MIG device's handle gets NVML_ERROR_NOT_SUPPORTED).
    /// </summary>
    internal static class JobCounters
    {
        /// <summary>Total energy since the driver loaded, in mJ (Volta and newer).</summary>
        public static ulong? Energy(Nvml nvml, MonitoredDevice device) =>
            nvml.nvmlDeviceGetTotalEnergyConsumption(device.GpuHandle, out ulong mj) == NvmlReturn.NVML_SUCCESS ? mj : (ulong?)null;

        /// <summary>
        /// Utilization (percent of the driver's last sample period in which a kernel ran), memory in use and power
        /// (averaged over one second on Ampere and newer, except GA100; instantaneous before: nvmlDeviceGetPowerUsage).
        /// </summary>
        public static JobReading Read(Nvml nvml, MonitoredDevice device, double seconds)
        {
            IntPtr h = device.GpuHandle;
            int? utilization = nvml.nvmlDeviceGetUtilizationRates(h, out NvmlUtilization u) == NvmlReturn.NVML_SUCCESS
                ? (int)u.Gpu : (int?)null;
            ulong? used = null;
            if (nvml.nvmlDeviceGetMemoryInfo_v2(h, out NvmlMemoryV2 m2) == NvmlReturn.NVML_SUCCESS) used = m2.Used;
            else if (nvml.nvmlDeviceGetMemoryInfo(h, out NvmlMemory m) == NvmlReturn.NVML_SUCCESS) used = m.Used;
            double? power = nvml.DeviceGetUInt("nvmlDeviceGetPowerUsage", h, out uint mw) == NvmlReturn.NVML_SUCCESS
                ? mw / 1000.0 : (double?)null;
            return new JobReading(seconds, utilization, used, power);
        }

        /// <summary>
        /// Whether accounting mode is on; null where the GPU or driver cannot say (NOT_SUPPORTED, too old). A GPU in MIG
        /// mode answers off: "On MIG-enabled GPUs, accounting mode would be set to DISABLED" (NVML API reference,
        /// nvmlDeviceSetAccountingMode, https://docs.nvidia.com/deploy/nvml-api/group__nvmlAccountingStats.html).
        /// </summary>
        public static bool? AccountingEnabled(Nvml nvml, MonitoredDevice device) =>
            nvml.nvmlDeviceGetAccountingMode(device.GpuHandle, out bool on) == NvmlReturn.NVML_SUCCESS ? on : (bool?)null;

        /// <summary>
        /// Every process the driver's accounting buffer holds, running or ended; a process dropped between the two calls is skipped.
        /// </summary>
        public static IReadOnlyList<AccountedProcess> Accounting(Nvml nvml, MonitoredDevice device)
        {
            var result = new List<AccountedProcess>();
            IntPtr gpu = device.GpuHandle;
            if (nvml.nvmlDeviceGetAccountingPids(gpu, out uint[] pids) != NvmlReturn.NVML_SUCCESS) return result;
            foreach (uint pid in pids)
            {
                if (nvml.nvmlDeviceGetAccountingStats(gpu, pid, out NvmlAccountingStats s) != NvmlReturn.NVML_SUCCESS) continue;
                result.Add(new AccountedProcess
                {
                    ProcessId = (int)pid,
                    UtilizationPercent = s.GpuUtilization == Nvml.ValueNotAvailable ? (int?)null : (int)s.GpuUtilization,
                    MaxMemoryUsed = s.MaxMemoryUsage == ulong.MaxValue || s.MaxMemoryUsage == Nvml.ValueNotAvailable
                        ? (ulong?)null : s.MaxMemoryUsage,
                    StartTime = DateTimeOffset.FromUnixTimeMilliseconds((long)(s.StartTime / 1000)),
                    ActiveTime = s.IsRunning != 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(s.Time),
                    Running = s.IsRunning != 0,
                });
            }

            return result;
        }
    }
}
