using System;

namespace DlGpuTools
{
    /// <summary>
    /// A compute process on a GPU with its memory and utilization (NVML) and who runs it (the OS). NVML reports
    /// host PIDs: inside a container the process may not be visible, and then its user, command line and
    /// container are empty.
    /// </summary>
    public sealed class GpuProcessUsage
    {
        public DateTimeOffset Timestamp { get; set; }

        public string? ComputerName { get; set; }

        /// <summary>The CUDA device ordinal.</summary>
        public int Index { get; set; }

        public string? Uuid { get; set; }

        /// <summary>The host process id, as NVML reports it.</summary>
        public int ProcessId { get; set; }

        public string? ProcessName { get; set; }

        /// <summary>Device memory in bytes; empty where the driver does not say (Windows WDDM).</summary>
        public ulong? UsedMemory { get; set; }

        /// <summary>Percent of the GPU's SM time this process used over the last sampling period; empty when it ran no kernel then.</summary>
        public int? SmUtilizationPercent { get; set; }

        public int? MemoryUtilizationPercent { get; set; }

        public string? UserName { get; set; }

        public string? CommandLine { get; set; }

        /// <summary>docker, containerd, cri-o, podman or kubepods; empty outside a container.</summary>
        public string? ContainerRuntime { get; set; }

        public string? ContainerId { get; set; }

        public override string ToString() => $"{ProcessName ?? "?"} ({ProcessId}) on GPU {Index}";
    }
}
