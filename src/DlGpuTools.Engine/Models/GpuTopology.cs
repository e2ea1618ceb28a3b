namespace DlGpuTools
{
    /// <summary>One GPU's place in the machine: its CPU and NUMA affinity and its path to every other GPU.</summary>
    public sealed class GpuTopology
    {
        public int Index { get; set; }

        public string? Name { get; set; }

        public string? Uuid { get; set; }

        public string? PciBusId { get; set; }

        /// <summary>
        /// The GPU's own NUMA node (nvidia-smi's "GPU NUMA ID"): GPUs whose memory the CPUs see as a node, such as
        /// Grace Hopper's; empty for PCIe and SXM GPUs on x86 hosts and on drivers before R535.
        /// </summary>
        public int? NumaNode { get; set; }

        /// <summary>The NUMA nodes closest to the GPU (NVML; nvidia-smi's "NUMA Affinity"), e.g. "0" or "0-1".</summary>
        public string? NumaAffinity { get; set; }

        /// <summary>The CPUs closest to the GPU as a Linux CPU list (NVML), e.g. "0-55,112-167".</summary>
        public string? CpuAffinity { get; set; }

        public ReadableList<GpuTopologyLink> Links { get; set; } = new ReadableList<GpuTopologyLink>();

        public override string ToString() => $"GPU {Index}: {Name}";
    }

    /// <summary>The path from one GPU to another and what the driver lets them do over it.</summary>
    public sealed class GpuTopologyLink
    {
        public int DeviceIndex { get; set; }

        public int PeerIndex { get; set; }

        /// <summary>As nvidia-smi topo -m: NV# (NVLink, # links), PIX, PXB, PHB, NODE or SYS; "?" when unknown.</summary>
        public string? Path { get; set; }

        /// <summary>The path in words.</summary>
        public string? Description { get; set; }

        public int NvLinkCount { get; set; }

        /// <summary>True when the NVLinks go through NVSwitches rather than straight to the peer.</summary>
        public bool ThroughNvSwitch { get; set; }

        /// <summary>Theoretical NVLink bandwidth per direction: links x per-link rate of the architecture.</summary>
        public double? NvLinkGBps { get; set; }

        /// <summary>
        /// The PCIe common ancestor, even when NVLink is the faster path: the name of <see cref="PcieAncestor"/> (see
        /// <see cref="EnumText"/>); "?" for a level NVML reports that nvidia-smi has no name for; empty when NVML could not tell.
        /// </summary>
        public string? PcieLevel
        {
            get => PcieAncestor?.ToString() ?? _unnamedLevel;
            set
            {
                PcieAncestor = EnumText.TryParse<PcieAncestor>(value);
                _unnamedLevel = PcieAncestor == null ? value : null;
            }
        }

        internal PcieAncestor? PcieAncestor { get; set; }

        private string? _unnamedLevel;

        /// <summary>
        /// NVML's peer-to-peer status for reads, writes, atomics and NVLink (OK, NotSupported, ChipsetNotSupported...): the
        /// name of <see cref="PeerAccess"/> (see <see cref="EnumText"/>); empty where NVML did not answer.
        /// </summary>
        public string? P2PRead
        {
            get => PeerRead?.ToString();
            set => PeerRead = EnumText.ParseOptional<PeerAccess>(value, nameof(P2PRead));
        }

        internal PeerAccess? PeerRead { get; set; }

        public string? P2PWrite
        {
            get => PeerWrite?.ToString();
            set => PeerWrite = EnumText.ParseOptional<PeerAccess>(value, nameof(P2PWrite));
        }

        internal PeerAccess? PeerWrite { get; set; }

        public string? P2PAtomics
        {
            get => PeerAtomics?.ToString();
            set => PeerAtomics = EnumText.ParseOptional<PeerAccess>(value, nameof(P2PAtomics));
        }

        internal PeerAccess? PeerAtomics { get; set; }

        public string? P2PNvLink
        {
            get => PeerNvLink?.ToString();
            set => PeerNvLink = EnumText.ParseOptional<PeerAccess>(value, nameof(P2PNvLink));
        }

        internal PeerAccess? PeerNvLink { get; set; }

        /// <summary>cuDeviceCanAccessPeer: whether the CUDA driver allows peer access from this GPU to the peer.</summary>
        public bool? CanAccessPeer { get; set; }

        /// <summary>cuDeviceGetP2PAttribute CU_DEVICE_P2P_ATTRIBUTE_NATIVE_ATOMIC_SUPPORTED.</summary>
        public bool? NativeAtomics { get; set; }

        /// <summary>cuDeviceGetP2PAttribute CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK (lower is faster).</summary>
        public int? PerformanceRank { get; set; }

        public override string ToString() => $"GPU {DeviceIndex} -> GPU {PeerIndex}: {Path}";
    }
}
