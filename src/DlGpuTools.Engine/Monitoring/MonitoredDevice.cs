using System;

namespace DlGpuTools.Monitoring
{
    /// <summary>A CUDA device and the NVML handle of the same GPU (joined by UUID or PCI bus id).</summary>
    public sealed class MonitoredDevice
    {
        internal MonitoredDevice(CudaDevice device, IntPtr handle)
        {
            Index = device.Index;
            Name = device.Name;
            Uuid = device.Uuid;
            PciBusId = device.PciBusId;
            Handle = handle;
        }

        public int Index { get; }

        public string? Name { get; }

        public string? Uuid { get; }

        public string? PciBusId { get; }

        internal IntPtr Handle { get; }
    }
}
