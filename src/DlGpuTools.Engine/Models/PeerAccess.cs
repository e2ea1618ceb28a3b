namespace DlGpuTools
{
    /// <summary>
    /// Whether the driver lets two GPUs use one capability of peer-to-peer access (reads, writes, atomics, NVLink), as
    /// NVML's nvmlDeviceGetP2PStatus answers (nvmlGpuP2PStatus_t).
    /// </summary>
    public enum PeerAccess
    {
        /// <summary>Supported.</summary>
        OK,

        /// <summary>The chipset between the GPUs does not support it.</summary>
        ChipsetNotSupported,

        /// <summary>The GPU does not support it (GeForce RTX 40 and 50, for example).</summary>
        GpuNotSupported,

        /// <summary>The I/O hub topology does not support it.</summary>
        TopologyNotSupported,

        /// <summary>Turned off by a driver registry key.</summary>
        DisabledByRegkey,

        /// <summary>Not supported, for another reason.</summary>
        NotSupported,

        /// <summary>A status this module does not know.</summary>
        Unknown,
    }
}
