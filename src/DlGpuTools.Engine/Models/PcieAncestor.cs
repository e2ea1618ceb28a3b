namespace DlGpuTools
{
    /// <summary>
    /// The PCIe common ancestor of two GPUs, named as nvidia-smi topo -m names it (NVML's nvmlGpuTopologyLevel_t, nearest
    /// first).
    /// </summary>
    public enum PcieAncestor
    {
        /// <summary>At most one PCIe switch (the same switch, or one board).</summary>
        PIX,

        /// <summary>Several PCIe switches, not through a host bridge.</summary>
        PXB,

        /// <summary>Through a PCIe host bridge (the CPU's root complex).</summary>
        PHB,

        /// <summary>Between host bridges of one NUMA node.</summary>
        NODE,

        /// <summary>Across NUMA nodes (the SMP interconnect between CPU sockets).</summary>
        SYS,
    }
}
