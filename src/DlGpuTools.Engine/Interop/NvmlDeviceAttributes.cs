using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// nvmlDeviceAttributes_t as nvml.h declares it for nvmlDeviceGetAttributes_v2 (40 bytes: eight uints, then a 64-bit size).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlDeviceAttributes
    {
        public uint MultiprocessorCount;
        public uint SharedCopyEngineCount;
        public uint SharedDecoderCount;
        public uint SharedEncoderCount;
        public uint SharedJpegCount;
        public uint SharedOfaCount;
        public uint GpuInstanceSliceCount;
        public uint ComputeInstanceSliceCount;

        /// <summary>The instance's memory in MiB.</summary>
        public ulong MemorySizeMB;
    }
}
