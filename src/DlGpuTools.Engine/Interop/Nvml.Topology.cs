using System;

namespace DlGpuTools.Interop
{
    /// <summary>NVML's view of where a GPU sits: its NUMA node and the CPUs close to it.</summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>nvmlDeviceGetNumaNodeId (R535 and newer drivers); NVML_ERROR_FUNCTION_NOT_FOUND on older ones.</summary>
        public NvmlReturn nvmlDeviceGetNumaNodeId(IntPtr device, out uint node)
        {
            node = 0;
            uint n;
            var r = _native.nvmlDeviceGetNumaNodeId(device, &n);
            node = n;
            return r;
        }

        /// <summary>
        /// nvmlDeviceGetMemoryAffinity with NVML_AFFINITY_SCOPE_NODE: a bit mask of the NUMA nodes closest to the GPU
        /// (nvidia-smi topo -m's "NUMA Affinity"; 256 nodes, 64 per word).
        /// </summary>
        public NvmlReturn nvmlDeviceGetMemoryAffinity(IntPtr device, out ulong[] mask)
        {
            const int scopeNode = 0;
            return AffinityMask(device, 4, scopeNode, out mask);
        }

        /// <summary>nvmlDeviceGetCpuAffinity: a bit mask of the CPUs closest to the GPU (1024 CPUs; 64 per word).</summary>
        public NvmlReturn nvmlDeviceGetCpuAffinity(IntPtr device, out ulong[] mask) => AffinityMask(device, 16, null, out mask);

        // The two affinity calls differ only in the scope argument the memory one takes after the mask.
        private NvmlReturn AffinityMask(IntPtr device, uint words, int? scope, out ulong[] mask)
        {
            mask = new ulong[words];
            // The mask is of C unsigned longs: 64-bit on Linux, 32-bit on Windows. Little-endian, the same bytes
            // read as 64-bit words either way, so only the count passed differs.
            uint size = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
                ? words * 2 : words;
            fixed (ulong* p = mask)
            {
                return scope is int s ? _native.nvmlDeviceGetMemoryAffinity(device, size, p, s)
                    : _native.nvmlDeviceGetCpuAffinity(device, size, p);
            }
        }
            /// <summary>nvmlDeviceGetTopologyCommonAncestor: the closest common point of two GPUs' PCIe paths.</summary>
        public NvmlReturn nvmlDeviceGetTopologyCommonAncestor(IntPtr device1, IntPtr device2, out NvmlTopologyLevel level)
        {
            level = 0;
            NvmlTopologyLevel l;
            var r = _native.nvmlDeviceGetTopologyCommonAncestor(device1, device2, &l);
            level = l;
            return r;
        }

        /// <summary>nvmlDeviceGetP2PStatus for one capability (read, write, NVLink, atomics, PCIe).</summary>
        public NvmlReturn nvmlDeviceGetP2PStatus(IntPtr device1, IntPtr device2, NvmlP2PCapability capability, out NvmlP2PStatus status)
        {
            status = NvmlP2PStatus.NVML_P2P_STATUS_UNKNOWN;
            // Left as it is when this NVML lacks the function, as the status said before the call.
            NvmlP2PStatus st = status;
            var r = _native.nvmlDeviceGetP2PStatus(device1, device2, capability, &st);
            status = st;
            return r;
        }

        /// <summary>nvmlDeviceGetNvLinkState: whether one NVLink of the GPU is active.</summary>
        public NvmlReturn nvmlDeviceGetNvLinkState(IntPtr device, uint link, out bool active)
        {
            active = false;
            uint state;
            var r = _native.nvmlDeviceGetNvLinkState(device, link, &state);
            active = state != 0;
            return r;
        }

        /// <summary>nvmlDeviceGetNvLinkRemotePciInfo_v2: the PCI bus id at the other end of an NVLink.</summary>
        public NvmlReturn nvmlDeviceGetNvLinkRemotePciInfo(IntPtr device, uint link, out string? busId)
        {
            busId = null;
            NvmlPciInfo info;
            var r = _native.nvmlDeviceGetNvLinkRemotePciInfo_v2(device, link, &info);
            if (r == NvmlReturn.NVML_SUCCESS) busId = CudaDriver.ReadString(info.BusId, 32);
            return r;
        }

        /// <summary>nvmlDeviceGetNvLinkRemoteDeviceType: 0 GPU, 1 IBM NPU, 2 NVSwitch, 255 unknown.</summary>
        public NvmlReturn nvmlDeviceGetNvLinkRemoteDeviceType(IntPtr device, uint link, out uint type)
        {
            type = 255;
            uint t = type;
            var r = _native.nvmlDeviceGetNvLinkRemoteDeviceType(device, link, &t);
            type = t;
            return r;
        }
    }
}
