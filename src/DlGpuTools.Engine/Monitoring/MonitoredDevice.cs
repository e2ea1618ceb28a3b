using System;
using System.Collections.Generic;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// A CUDA device and the NVML handle of the same GPU (joined by UUID or PCI bus id), or one MIG device of it: then
    /// <see cref="Handle"/> is the MIG device's, <see cref="GpuHandle"/> its GPU's, and Uuid the GPU's (as dcgm-exporter
    /// labels MIG series with the GPU's UUID and the instance's GPU_I_ID and GPU_I_PROFILE).
    /// </summary>
    public sealed class MonitoredDevice
    {
        internal MonitoredDevice(CudaDevice device, IntPtr handle)
        {
            Index = device.Index;
            Name = device.Name;
            Uuid = device.Uuid;
            PciBusId = device.PciBusId;
            Handle = handle;
            GpuHandle = handle;
        }

        internal MonitoredDevice(CudaDevice device, Devices.MigHandle mig, string? gpuName)
        {
            Index = device.Index;
            Name = gpuName;
            Uuid = mig.Facts.ParentUuid;
            PciBusId = device.PciBusId;
            Handle = mig.Handle;
            GpuHandle = mig.Parent;
            MigUuid = mig.Facts.Uuid;
            MigProfile = mig.Facts.Profile;
            GpuInstanceId = mig.Facts.GpuInstanceId;
        }

        /// <summary>The MIG device's MIG- UUID; empty for a whole GPU.</summary>
        public string? MigUuid { get; }

        public string? MigProfile { get; }

        public int? GpuInstanceId { get; }

        /// <summary>The whole GPU's handle: the same as Handle unless this is a MIG device.</summary>
        internal IntPtr GpuHandle { get; }

        public int Index { get; }

        public string? Name { get; }

        public string? Uuid { get; }

        public string? PciBusId { get; }

        internal IntPtr Handle { get; }

        /// <summary>
        /// One entry per physical GPU, read as the whole GPU: the GPU-wide counters (energy, power, accounting) exist
        /// once per GPU, so the MIG devices of one GPU would otherwise each report the same figures again. The first
        /// device of each GPU keeps its CUDA index; the GPU is told apart by its parent handle.
        /// </summary>
        internal static IReadOnlyList<MonitoredDevice> OnePerGpu(IEnumerable<MonitoredDevice> devices)
        {
            var seen = new HashSet<IntPtr>();
            var result = new List<MonitoredDevice>();
            foreach (MonitoredDevice device in devices)
            {
                if (seen.Add(device.GpuHandle)) result.Add(device.WholeGpu());
            }

            return result;
        }

        private MonitoredDevice WholeGpu() => MigUuid == null
            ? this
            : new MonitoredDevice(new CudaDevice { Index = Index, Name = Name, Uuid = Uuid, PciBusId = PciBusId }, GpuHandle);
    }
}
