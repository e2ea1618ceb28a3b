using System;

namespace DlGpuTools
{
    /// <summary>
    /// A compute process on a GPU with its memory and utilization (NVML), who runs it and where it belongs (the OS:
    /// user, command line, container, Kubernetes pod, Slurm job). NVML reports host PIDs: run inside a container
    /// without the host's PID namespace, the process cannot be looked up, and <see cref="Lookup"/> says so.
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

        /// <summary>
        /// Percent of the GPU's SM time this process used over the last sampling period; empty when it ran no kernel then.
        /// </summary>
        public int? SmUtilizationPercent { get; set; }

        public int? MemoryUtilizationPercent { get; set; }

        public string? UserName { get; set; }

        public string? CommandLine { get; set; }

        /// <summary>docker, containerd, cri-o, podman or kubepods; empty outside a container.</summary>
        public string? ContainerRuntime { get; set; }

        public string? ContainerId { get; set; }

        /// <summary>
        /// The Kubernetes pod UID, from the pod's cgroup folder (kubepods-&lt;qos&gt;-pod&lt;uid&gt;.slice or pod&lt;uid&gt;).
        /// </summary>
        public string? PodUid { get; set; }

        /// <summary>The pod's namespace as its service-account file states it; empty where that cannot be read (needs root).</summary>
        public string? PodNamespace { get; set; }

        /// <summary>
        /// The pod's name as its HOSTNAME variable states it; empty where that cannot be read (needs root) or for hostNetwork pods.
        /// </summary>
        public string? PodName { get; set; }

        /// <summary>The Slurm job id, from slurmstepd's cgroup folder (job_&lt;id&gt;).</summary>
        public string? SlurmJobId { get; set; }

        /// <summary>The Slurm step: a number, batch, extern or interactive.</summary>
        public string? SlurmStep { get; set; }

        /// <summary>
        /// How the OS facts were found (a ProcessLookup name): Read (from /proc), Gone (no such process here: it ended,
        /// or /proc hides it), OtherPidNamespace (this command runs in a container without the host's PIDs, so the
        /// host PID from NVML was not looked up), NameOnly (Windows: the process name only).
        /// </summary>
        public string Lookup { get; set; } = nameof(Monitoring.ProcessLookup.Read);

        public override string ToString() => $"{ProcessName ?? "?"} ({ProcessId}) on GPU {Index}";
    }
}
