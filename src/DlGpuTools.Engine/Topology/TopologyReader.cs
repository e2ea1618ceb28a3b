using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Topology
{
    /// <summary>
    /// Reads how the GPUs are connected: NVLinks and the PCIe common ancestor from NVML
    /// (nvmlDeviceGetTopologyCommonAncestor, nvmlDeviceGetP2PStatus, NVLink state and remote PCI info), peer
    /// access and atomics from the CUDA driver (cuDeviceCanAccessPeer, cuDeviceGetP2PAttribute). Creates no
    /// context. Never touches NVLink multicast (NVLS).
    /// </summary>
    public static class TopologyReader
    {
        private const uint MaxNvLinks = 18; // NVML_NVLINK_MAX_LINKS in current nvml.h

        public static IReadOnlyList<GpuTopology> Read(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, List<string> warnings)
        {
            CudaDriver driver = runtime.Driver;
            Nvml? nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? missing);
            NvmlDeviceFacts? facts = null;
            if (nvml != null) facts = NvmlDeviceFacts.Read(nvml, warnings);
            else warnings.Add("NVML could not be loaded, so paths, NVLinks and CPU/NUMA affinity are unknown; peer access "
                + "comes from the CUDA driver. "
                + missing?.Message);

            var handles = new Dictionary<int, IntPtr>();
            foreach (CudaDevice d in devices)
            {
                if (facts != null && facts.TryFind(d.Uuid, d.PciBusId, out IntPtr h)) handles[d.Index] = h;
                else if (facts != null) warnings.Add($"NVML shows no GPU with UUID {d.Uuid}, so GPU {d.Index}'s paths are unknown.");
            }

            // Handles exist only where NVML loaded; the check says so to the compiler too.
            var nvLinks = nvml == null ? new Dictionary<int,
                List<string?>>() : handles.ToDictionary(p => p.Key, p => ReadNvLinks(nvml, p.Value));
            var result = new List<GpuTopology>();
            foreach (CudaDevice d in devices)
            {
                var topology = new GpuTopology { Index = d.Index, Name = d.Name, Uuid = d.Uuid, PciBusId = d.PciBusId };
                if (nvml != null && handles.TryGetValue(d.Index, out IntPtr handle))
                {
                    HostLinkFacts(nvml, handle, topology);
                }

                topology.Links = devices.Where(p => p.Index != d.Index)
                    .Select(p => ReadLink(driver, nvml, d, p, handles, nvLinks)).ToArray();
                result.Add(topology);
            }

            return result;
        }

        private static void HostLinkFacts(Nvml nvml, IntPtr handle, GpuTopology topology)
        {
            if (nvml.nvmlDeviceGetNumaNodeId(handle, out uint node) == NvmlReturn.NVML_SUCCESS && node != Nvml.ValueNotAvailable)
                topology.NumaNode = (int)node;
            if (nvml.nvmlDeviceGetCpuAffinity(handle, out ulong[] mask) == NvmlReturn.NVML_SUCCESS)
                topology.CpuAffinity = HostLink.CpuList(mask);
            if (nvml.nvmlDeviceGetMemoryAffinity(handle, out ulong[] nodes) == NvmlReturn.NVML_SUCCESS)
                topology.NumaAffinity = HostLink.CpuList(nodes);
        }

        /// <summary>One GPU's active NVLinks: the remote PCI bus id of each, or null for a link to an NVSwitch.</summary>
        /// <summary>Per active NVLink: the peer's PCI bus id, empty when unknown, null for a link to an NVSwitch.</summary>
        private static List<string?> ReadNvLinks(Nvml nvml, IntPtr handle)
        {
            var remotes = new List<string?>();
            for (uint link = 0; link < MaxNvLinks; link++)
            {
                NvmlReturn r = nvml.nvmlDeviceGetNvLinkState(handle, link, out bool active);
                // no NVLink on this GPU
                if (r == NvmlReturn.NVML_ERROR_NOT_SUPPORTED || r == NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND) break;
                if (r != NvmlReturn.NVML_SUCCESS || !active) continue;
                bool toSwitch = nvml.nvmlDeviceGetNvLinkRemoteDeviceType(handle, link, out uint type)
                    == NvmlReturn.NVML_SUCCESS && type == 2;
                string? bus = null;
                if (!toSwitch && nvml.nvmlDeviceGetNvLinkRemotePciInfo(handle, link, out string? remote) == NvmlReturn.NVML_SUCCESS)
                    bus = DeviceIdentity.NormalizePciBusId(remote);
                remotes.Add(toSwitch ? null : bus ?? string.Empty);
            }

            return remotes;
        }

        private static GpuTopologyLink ReadLink(CudaDriver driver, Nvml? nvml, CudaDevice device, CudaDevice peer, Dictionary<int,
            IntPtr> handles, Dictionary<int, List<string?>> nvLinks)
        {
            var link = new GpuTopologyLink { DeviceIndex = device.Index, PeerIndex = peer.Index, Path = "?" };
            if (driver.cuDeviceCanAccessPeer(out bool can, device.Index, peer.Index) == CudaResult.CUDA_SUCCESS) link.CanAccessPeer = can;
            if (driver.cuDeviceGetP2PAttribute(out int atomics, 3, device.Index, peer.Index) == CudaResult.CUDA_SUCCESS)
                link.NativeAtomics = atomics != 0;
            if (driver.cuDeviceGetP2PAttribute(out int rank, 1, device.Index, peer.Index) == CudaResult.CUDA_SUCCESS)
                link.PerformanceRank = rank;

            if (nvml == null || !handles.TryGetValue(device.Index, out IntPtr a) || !handles.TryGetValue(peer.Index, out IntPtr b))
            {
                link.Description = "unknown (NVML does not see both GPUs)";
                return link;
            }

            if (nvml.nvmlDeviceGetTopologyCommonAncestor(a, b, out NvmlTopologyLevel level) == NvmlReturn.NVML_SUCCESS)
                link.PcieLevel = PcieLevelName(level);
            link.P2PRead = Status(nvml, a, b, NvmlP2PCapability.NVML_P2P_CAPS_INDEX_READ);
            link.P2PWrite = Status(nvml, a, b, NvmlP2PCapability.NVML_P2P_CAPS_INDEX_WRITE);
            link.P2PAtomics = Status(nvml, a, b, NvmlP2PCapability.NVML_P2P_CAPS_INDEX_ATOMICS);
            link.P2PNvLink = Status(nvml, a, b, NvmlP2PCapability.NVML_P2P_CAPS_INDEX_NVLINK);

            List<string?> mine = nvLinks[device.Index];
            string? peerBus = DeviceIdentity.NormalizePciBusId(peer.PciBusId);
            int direct = mine.Count(r => r != null && r.Length > 0 && string.Equals(r, peerBus, StringComparison.OrdinalIgnoreCase));
            int switched = mine.Count(r => r == null);
            bool peerOnSwitch = nvLinks[peer.Index].Any(r => r == null);
            // Through NVSwitches every GPU reaches every other over all its switch links (nvidia-smi shows NV18 on HGX H100).
            link.NvLinkCount = direct > 0 ? direct : switched > 0 && peerOnSwitch ? switched : 0;
            link.ThroughNvSwitch = direct == 0 && link.NvLinkCount > 0;
            if (link.NvLinkCount > 0)
            {
                link.Path = "NV" + link.NvLinkCount.ToString(CultureInfo.InvariantCulture);
                double? perLink = NvLinkGBpsPerLink(device);
                link.NvLinkGBps = perLink * link.NvLinkCount;
                link.Description = $"NVLink, {link.NvLinkCount} link(s){(link.ThroughNvSwitch ? " through NVSwitch" : string.Empty)}"
                    + (perLink is double g ? string.Format(CultureInfo.InvariantCulture, ", {0:0.#} GB/s per direction ({1} x {2:0.####})",
                        link.NvLinkGBps, link.NvLinkCount, g) : string.Empty);
            }
            else if (link.PcieLevel != null)
            {
                link.Path = link.PcieLevel;
                link.Description = "PCIe: " + PcieLevelText(link.PcieAncestor);
            }

            return link;
        }

        private static string? Status(Nvml nvml, IntPtr a, IntPtr b, NvmlP2PCapability capability)
        {
            if (nvml.nvmlDeviceGetP2PStatus(a, b, capability, out NvmlP2PStatus status) != NvmlReturn.NVML_SUCCESS) return null;
            switch (status)
            {
                case NvmlP2PStatus.NVML_P2P_STATUS_OK: return "OK";
                case NvmlP2PStatus.NVML_P2P_STATUS_CHIPSET_NOT_SUPPORED: return "ChipsetNotSupported";
                case NvmlP2PStatus.NVML_P2P_STATUS_GPU_NOT_SUPPORTED: return "GpuNotSupported";
                case NvmlP2PStatus.NVML_P2P_STATUS_IOH_TOPOLOGY_NOT_SUPPORTED: return "TopologyNotSupported";
                case NvmlP2PStatus.NVML_P2P_STATUS_DISABLED_BY_REGKEY: return "DisabledByRegkey";
                case NvmlP2PStatus.NVML_P2P_STATUS_NOT_SUPPORTED: return "NotSupported";
                default: return "Unknown";
            }
        }

        /// <summary>nvidia-smi topo -m's names for the PCIe common ancestor.</summary>
        internal static string PcieLevelName(NvmlTopologyLevel level)
        {
            switch (level)
            {
                case NvmlTopologyLevel.NVML_TOPOLOGY_INTERNAL:
                case NvmlTopologyLevel.NVML_TOPOLOGY_SINGLE: return "PIX";
                case NvmlTopologyLevel.NVML_TOPOLOGY_MULTIPLE: return "PXB";
                case NvmlTopologyLevel.NVML_TOPOLOGY_HOSTBRIDGE: return "PHB";
                case NvmlTopologyLevel.NVML_TOPOLOGY_NODE: return "NODE";
                case NvmlTopologyLevel.NVML_TOPOLOGY_SYSTEM: return "SYS";
                default: return "?";
            }
        }

        public static string PcieLevelText(PcieAncestor? level)
        {
            switch (level)
            {
                case PcieAncestor.PIX: return "at most one PCIe switch (same switch)";
                case PcieAncestor.PXB: return "several PCIe switches, not through a host bridge";
                case PcieAncestor.PHB: return "through a PCIe host bridge (the CPU's root complex)";
                case PcieAncestor.NODE: return "between host bridges of one NUMA node";
                case PcieAncestor.SYS: return "across NUMA nodes (the SMP interconnect between CPU sockets)";
                default: return "unknown";
            }
        }

        /// <summary>
        /// NVLink GB/s per link and direction by architecture, from NVIDIA's datasheets: P100 (NVLink 1) 160 GB/s over
        /// 4 links; V100 (NVLink 2) 300 GB/s over 6; A100 (NVLink 3) 600 GB/s over 12; H100 (NVLink 4) 900 GB/s over
        /// 18; B200 (NVLink 5) 1.8 TB/s over 18; all bidirectional totals, halved per direction. GeForce/RTX Ampere
        /// (NVLink 3 bridge): 112.5 GB/s over 4 links.
        /// </summary>
        public static double? NvLinkGBpsPerLink(CudaDevice device)
        {
            int cc = device.ComputeCapabilityMajor * 10 + device.ComputeCapabilityMinor;
            if (cc == 60) return 20;
            if (cc == 70 || cc == 80 || cc == 90) return 25;
            if (cc == 86) return 14.0625;
            if (cc >= 100 && cc < 110) return 50;
            return null;
        }
    }
}
