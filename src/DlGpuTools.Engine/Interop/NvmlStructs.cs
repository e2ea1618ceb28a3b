using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    // Layouts as in nvml.h. Only blittable fields; fixed char arrays are read as bytes.

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct NvmlPciInfo
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
    public struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct NvmlUtilization
    {
        public uint Gpu;
        public uint Memory;
    }

    /// <summary>nvmlProcessInfo_t as used by nvmlDeviceGetComputeRunningProcesses_v3 (24 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct NvmlProcessInfo
    {
        public uint Pid;
        public ulong UsedGpuMemory;
        public uint GpuInstanceId;
        public uint ComputeInstanceId;
    }

    public enum NvmlClockType
    {
        NVML_CLOCK_GRAPHICS = 0,
        NVML_CLOCK_SM = 1,
        NVML_CLOCK_MEM = 2,
    }
}
