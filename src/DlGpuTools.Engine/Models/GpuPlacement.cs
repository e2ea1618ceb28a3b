namespace DlGpuTools
{
    /// <summary>
    /// Where to run work that uses one GPU: the CPUs and NUMA nodes to bind it to, the command lines that do so, and
    /// the GPUs to keep with it in CUDA_VISIBLE_DEVICES.
    /// </summary>
    public sealed class GpuPlacement
    {
        public int Index { get; set; }

        public string? Name { get; set; }

        public string? Uuid { get; set; }

        /// <summary>The NUMA nodes closest to the GPU (NVML's memory affinity), e.g. "0"; empty when unknown.</summary>
        public string? NumaNodes { get; set; }

        /// <summary>The CPUs closest to the GPU as a Linux CPU list, e.g. "0-15,32-47"; empty when unknown.</summary>
        public string? Cpus { get; set; }

        /// <summary>numactl binding CPUs and memory to the GPU's NUMA nodes (or its CPUs when the nodes are unknown).</summary>
        public string? NumactlCommand { get; set; }

        /// <summary>taskset pinning to the GPU's CPUs.</summary>
        public string? TasksetCommand { get; set; }

        /// <summary>
        /// The GPU's group, numbered from its lowest GPU: an NVLink or NVSwitch island (GPUs joined by NVLink, directly
        /// or through others), or, for GPUs without NVLink, those of them on one NUMA node.
        /// </summary>
        public int Group { get; set; }

        /// <summary>How the group's GPUs reach each other: NVSwitch, NVLink or PCIe.</summary>
        public string? GroupLink { get; set; }

        /// <summary>CUDA_VISIBLE_DEVICES for the whole group (CUDA indexes as this process sees them).</summary>
        public string? VisibleDevices { get; set; }

        /// <summary>
        /// CUDA_VISIBLE_DEVICES for the group's GPUs on this GPU's NUMA node: the largest set that keeps the group's
        /// links and crosses no socket; the same as VisibleDevices unless the group spans nodes; empty when this GPU's
        /// node is unknown.
        /// </summary>
        public string? SameNumaDevices { get; set; }

        public override string ToString() => $"GPU {Index}: group {Group} ({VisibleDevices})";
    }
}
