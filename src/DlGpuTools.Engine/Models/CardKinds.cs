namespace DlGpuTools
{
    /// <summary>How several cards of one kind talk to each other without the host's PCIe root in the way.</summary>
    public enum GpuInterconnect
    {
        /// <summary>PCIe only (peer-to-peer over PCIe where <see cref="GpuSpec.PeerToPeer"/> says so).</summary>
        None,

        /// <summary>An NVLink bridge joins two cards; a third or fourth card talks over PCIe.</summary>
        NvLinkBridgePair,

        /// <summary>Every GPU of an HGX/DGX board reaches every other at full NVLink speed through NVSwitch chips.</summary>
        NvSwitch,

        /// <summary>AMD Instinct OAM modules on a universal base board: every GPU linked to every other.</summary>
        InfinityFabric,
    }

    /// <summary>What one buys and builds into a machine.</summary>
    public enum GpuFormFactor
    {
        /// <summary>A PCIe card for a desktop or server slot.</summary>
        Pcie,

        /// <summary>An SXM (NVIDIA) or OAM (AMD) module: sold on 8-GPU baseboards inside a server, never loose.</summary>
        Sxm,

        /// <summary>A whole machine whose GPU shares one memory pool with the CPU (Apple M-series, Strix Halo, DGX Spark).</summary>
        UnifiedMemory,

        /// <summary>A CPU-GPU superchip module (GH200, GB200): bought as part of a server.</summary>
        Integrated,
    }

    /// <summary>The software stack a card runs deep-learning frameworks on.</summary>
    public enum GpuPlatform
    {
        Cuda,
        Rocm,
        Metal,
        OneApi,
    }
}
