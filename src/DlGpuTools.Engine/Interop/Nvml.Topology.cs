using System;

namespace DlGpuTools.Interop
{
    /// <summary>NVML's view of where a GPU sits: its NUMA node and the CPUs close to it.</summary>
    public sealed unsafe partial class Nvml
    {
        /// <summary>nvmlDeviceGetNumaNodeId (R535 and newer drivers); NVML_ERROR_FUNCTION_NOT_FOUND on older ones.</summary>
        public NvmlReturn nvmlDeviceGetNumaNodeId(IntPtr device, out uint node)
        {
            node = 0;
            IntPtr f = Fn("nvmlDeviceGetNumaNodeId", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint n;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, uint*, NvmlReturn>)f)(device, &n);
            node = n;
            return r;
        }

        /// <summary>nvmlDeviceGetCpuAffinity: a bit mask of the CPUs closest to the GPU (1024 CPUs; 64 per word).</summary>
        public NvmlReturn nvmlDeviceGetCpuAffinity(IntPtr device, out ulong[] mask)
        {
            const uint words = 16;
            mask = new ulong[words];
            IntPtr f = Fn("nvmlDeviceGetCpuAffinity", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            // The mask is of C unsigned longs: 64-bit on Linux, 32-bit on Windows. Little-endian, the same bytes
            // read as 64-bit words either way, so only the count passed differs.
            uint size = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows) ? words * 2 : words;
            fixed (ulong* p = mask)
                return ((delegate* unmanaged[Cdecl]<IntPtr, uint, ulong*, NvmlReturn>)f)(device, size, p);
        }
    }
}
