using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    // Layouts as in nvml.h. Only blittable fields; fixed char arrays are read as bytes.

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NvmlPciInfo
    {
        public fixed byte BusIdLegacy[16];
        public uint Domain;
        public uint Bus;
        public uint Device;
        public uint PciDeviceId;
        public uint PciSubSystemId;
        public fixed byte BusId[32];
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlUtilization
    {
        public uint Gpu;
        public uint Memory;
    }

    /// <summary>nvmlProcessInfo_t as used by nvmlDeviceGetComputeRunningProcesses_v3 (24 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlProcessInfo
    {
        public uint Pid;
        public ulong UsedGpuMemory;
        public uint GpuInstanceId;
        public uint ComputeInstanceId;
    }

    internal enum NvmlClockType
    {
        NVML_CLOCK_GRAPHICS = 0,
        NVML_CLOCK_SM = 1,
        NVML_CLOCK_MEM = 2,
    }

    /// <summary>nvmlGpuTopologyLevel_t: how far apart two GPUs are on PCIe (nvidia-smi topo -m's PIX ... SYS).</summary>
    internal enum NvmlTopologyLevel
    {
        NVML_TOPOLOGY_INTERNAL = 0,
        NVML_TOPOLOGY_SINGLE = 10,
        NVML_TOPOLOGY_MULTIPLE = 20,
        NVML_TOPOLOGY_HOSTBRIDGE = 30,
        NVML_TOPOLOGY_NODE = 40,
        NVML_TOPOLOGY_SYSTEM = 50,
    }

    /// <summary>nvmlGpuP2PCapsIndex_t.</summary>
    internal enum NvmlP2PCapability
    {
        NVML_P2P_CAPS_INDEX_READ = 0,
        NVML_P2P_CAPS_INDEX_WRITE = 1,
        NVML_P2P_CAPS_INDEX_NVLINK = 2,
        NVML_P2P_CAPS_INDEX_ATOMICS = 3,
        NVML_P2P_CAPS_INDEX_PCI = 4,
    }

    /// <summary>nvmlGpuP2PStatus_t (NVML spells the second one SUPPORED).</summary>
    internal enum NvmlP2PStatus
    {
        NVML_P2P_STATUS_OK = 0,
        NVML_P2P_STATUS_CHIPSET_NOT_SUPPORED = 1,
        NVML_P2P_STATUS_GPU_NOT_SUPPORTED = 2,
        NVML_P2P_STATUS_IOH_TOPOLOGY_NOT_SUPPORTED = 3,
        NVML_P2P_STATUS_DISABLED_BY_REGKEY = 4,
        NVML_P2P_STATUS_NOT_SUPPORTED = 5,
        NVML_P2P_STATUS_UNKNOWN = 6,
    }
}
