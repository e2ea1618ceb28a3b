using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The compute processes of GPUs with their memory (NVML), SM and memory utilization (NVML process utilization) and OS facts.
    /// </summary>
    internal static class GpuProcessReader
    {
        /// <summary>
        /// The processes on <paramref name="device"/>. Utilization is NVML's latest per-process sample within the
        /// last <paramref name="window"/>; a process that ran no kernel in that time has empty utilization.
        /// Throws <see cref="NvmlException"/> when NVML cannot list the processes.
        /// </summary>
        public static IReadOnlyList<GpuProcessUsage> Read(Nvml nvml, MonitoredDevice device, TimeSpan window)
        {
            NvmlReturn r = nvml.nvmlDeviceGetComputeRunningProcesses(device.Handle, out NvmlProcessInfo[] processes);
            nvml.ThrowIfFailed(r, "nvmlDeviceGetComputeRunningProcesses_v3");
            var utilization = new Dictionary<uint, NvmlProcessUtilizationSample>();
            ulong since = (ulong)Math.Max(0, (DateTimeOffset.UtcNow - window).ToUnixTimeMilliseconds() * 1000);
            if (processes.Length > 0 && nvml.nvmlDeviceGetProcessUtilization(device.Handle, since,
                out NvmlProcessUtilizationSample[] samples) == NvmlReturn.NVML_SUCCESS)
            {
                foreach (NvmlProcessUtilizationSample s in samples)
                {
                    if (!utilization.TryGetValue(s.Pid, out NvmlProcessUtilizationSample seen) || s.TimeStamp > seen.TimeStamp)
                        utilization[s.Pid] = s;
                }
            }

            var now = DateTimeOffset.UtcNow;
            bool hostPids = !PlatformInfo.IsLinux || LinuxNamespaces.InHostPidNamespace();
            var result = new List<GpuProcessUsage>();
            foreach (NvmlProcessInfo p in processes)
            {
                var usage = new GpuProcessUsage
                {
                    Timestamp = now,
                    ComputerName = Environment.MachineName,
                    Index = device.Index,
                    Uuid = device.Uuid,
                    ProcessId = (int)p.Pid,
                    // NVML_VALUE_NOT_AVAILABLE (all ones) under WDDM, where the OS owns device memory.
                    UsedMemory = p.UsedGpuMemory == ulong.MaxValue ? (ulong?)null : p.UsedGpuMemory,
                };
                if (utilization.TryGetValue(p.Pid, out NvmlProcessUtilizationSample u))
                {
                    usage.SmUtilizationPercent = (int)u.SmUtil;
                    usage.MemoryUtilizationPercent = (int)u.MemUtil;
                }

                ProcessFacts.Fill(usage, hostPids);
                result.Add(usage);
            }

            return result;
        }
    }
}
