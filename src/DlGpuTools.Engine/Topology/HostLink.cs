using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Topology
{
    /// <summary>
    /// The GPU's PCIe link and its place on the host, read from NVML when a host test runs (a GPU idling at a
    /// lower link generation comes back up under load, so the figure is read at the test, not at listing).
    /// </summary>
    internal sealed class HostLink
    {
        public int? Generation { get; private set; }
        public int? Width { get; private set; }
        public int? MaxGeneration { get; private set; }
        public int? MaxWidth { get; private set; }
        public int? NumaNode { get; private set; }
        public string? CpuAffinity { get; private set; }

        /// <summary>nvmlDeviceGetCpuAffinity's mask behind <see cref="CpuAffinity"/>; null when NVML gave none.</summary>
        public ulong[]? CpuMask { get; private set; }

        public string? NumaAffinity { get; private set; }

        public Theoretical Theoretical(int directions) => TheoreticalBandwidth.Pcie(Generation, Width, MaxGeneration, MaxWidth, directions);

        /// <summary>A link as given (for engine tests that run without NVML); the CPU and NUMA lists are derived from the masks.</summary>
        internal static HostLink Of(int? generation, int? width, int? maxGeneration, int? maxWidth, int? numaNode = null,
            ulong[]? cpuMask = null) => new HostLink
        {
            Generation = generation,
            Width = width,
            MaxGeneration = maxGeneration,
            MaxWidth = maxWidth,
            NumaNode = numaNode,
            CpuMask = cpuMask,
            CpuAffinity = cpuMask == null ? null : CpuList(cpuMask),
            NumaAffinity = numaNode is int node && node < 64 ? CpuList(new[] { 1UL << node }) : null,
        };

        public static HostLink Read(GpuRuntime runtime, CudaDevice device)
        {
            var link = new HostLink
            {
                Generation = device.PcieGeneration,
                Width = device.PcieLinkWidth,
                MaxGeneration = device.PcieMaxGeneration,
                MaxWidth = device.PcieMaxLinkWidth,
            };
            Nvml? nvml = runtime.TryGetNvml(out _);
            if (nvml == null) return link;
            NvmlDeviceFacts facts = NvmlDeviceFacts.Read(nvml, new List<string>());
            if (!facts.TryFind(device.Uuid, device.PciBusId, out IntPtr handle)) return link;
            link.Generation = ReadUInt(nvml, "nvmlDeviceGetCurrPcieLinkGeneration", handle) ?? link.Generation;
            link.Width = ReadUInt(nvml, "nvmlDeviceGetCurrPcieLinkWidth", handle) ?? link.Width;
            link.MaxGeneration = ReadUInt(nvml, "nvmlDeviceGetMaxPcieLinkGeneration", handle) ?? link.MaxGeneration;
            link.MaxWidth = ReadUInt(nvml, "nvmlDeviceGetMaxPcieLinkWidth", handle) ?? link.MaxWidth;
            if (nvml.nvmlDeviceGetNumaNodeId(handle, out uint node) == NvmlReturn.NVML_SUCCESS && node != Nvml.ValueNotAvailable)
                link.NumaNode = (int)node;
            if (nvml.nvmlDeviceGetCpuAffinity(handle, out ulong[] mask) == NvmlReturn.NVML_SUCCESS)
            {
                link.CpuMask = mask;
                link.CpuAffinity = CpuList(mask);
            }

            if (nvml.nvmlDeviceGetMemoryAffinity(handle, out ulong[] nodes) == NvmlReturn.NVML_SUCCESS) link.NumaAffinity = CpuList(nodes);
            return link;
        }

        private static int? ReadUInt(Nvml nvml, string function, IntPtr handle) =>
            nvml.DeviceGetUInt(function, handle, out uint value) == NvmlReturn.NVML_SUCCESS
                && value != Nvml.ValueNotAvailable ? (int?)value : null;

        /// <summary>A CPU (or NUMA node) bit mask as Linux writes CPU lists: "0-55,112-167".</summary>
        internal static string? CpuList(ulong[] mask)
        {
            var text = new StringBuilder();
            int bits = mask.Length * 64;
            for (int cpu = 0; cpu < bits; cpu++)
            {
                if (!IsSet(mask, cpu)) continue;
                int last = cpu;
                while (last + 1 < bits && IsSet(mask, last + 1)) last++;
                if (text.Length > 0) text.Append(',');
                text.Append(cpu.ToString(CultureInfo.InvariantCulture));
                if (last > cpu) text.Append('-').Append(last.ToString(CultureInfo.InvariantCulture));
                cpu = last;
            }

            return text.Length == 0 ? null : text.ToString();
        }

        private static bool IsSet(ulong[] mask, int cpu) => (mask[cpu / 64] >> (cpu % 64) & 1) != 0;
    }
}
