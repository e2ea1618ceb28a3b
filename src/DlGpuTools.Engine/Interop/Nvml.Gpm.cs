using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// GPU Performance Monitoring (GPM, Hopper and newer, driver R520+): two samples of the hardware counters,
    /// taken some time apart, give SM, tensor-core, DRAM and FP-pipe activity over that time. Samples are native
    /// buffers that must be freed with <see cref="nvmlGpmSampleFree"/>.
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        // Room for more metrics than nvml.h's NVML_GPM_METRIC_MAX of any release so far; NVML reads numMetrics.
        private const int GpmMetricCapacity = 256;

        public NvmlReturn nvmlGpmQueryDeviceSupport(IntPtr device, out bool supported)
        {
            supported = false;
            IntPtr f = Fn("nvmlGpmQueryDeviceSupport", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            var support = new NvmlGpmSupport { Version = NvmlGpmSupport.Version1 };
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlGpmSupport*, NvmlReturn>)f)(device, &support);
            supported = r == NvmlReturn.NVML_SUCCESS && support.IsSupportedDevice != 0;
            return r;
        }

        public NvmlReturn nvmlGpmSampleAlloc(out IntPtr sample)
        {
            sample = IntPtr.Zero;
            IntPtr f = Fn("nvmlGpmSampleAlloc", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            IntPtr s;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, NvmlReturn>)f)(&s);
            sample = r == NvmlReturn.NVML_SUCCESS ? s : IntPtr.Zero;
            return r;
        }

        public NvmlReturn nvmlGpmSampleFree(IntPtr sample)
        {
            IntPtr f = Fn("nvmlGpmSampleFree", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            return ((delegate* unmanaged[Cdecl]<IntPtr, NvmlReturn>)f)(sample);
        }

        public NvmlReturn nvmlGpmSampleGet(IntPtr device, IntPtr sample)
        {
            IntPtr f = Fn("nvmlGpmSampleGet", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            return ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, NvmlReturn>)f)(device, sample);
        }

        /// <summary>
        /// Computes <paramref name="metrics"/> (ids in, status and value out) from two samples of one device,
        /// <paramref name="earlier"/> taken before <paramref name="later"/>.
        /// </summary>
        public NvmlReturn nvmlGpmMetricsGet(IntPtr earlier, IntPtr later, NvmlGpmMetric[] metrics)
        {
            if (metrics.Length > GpmMetricCapacity) throw new ArgumentOutOfRangeException(nameof(metrics));
            IntPtr f = Fn("nvmlGpmMetricsGet", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            int size = sizeof(NvmlGpmMetricsGetHeader) + GpmMetricCapacity * sizeof(NvmlGpmMetric);
            byte* buffer = stackalloc byte[size]; // zeroed: the assemblies do not skip locals init
            var header = (NvmlGpmMetricsGetHeader*)buffer;
            header->Version = NvmlGpmMetricsGetHeader.Version1;
            header->NumMetrics = (uint)metrics.Length;
            header->Sample1 = earlier;
            header->Sample2 = later;
            var entries = (NvmlGpmMetric*)(buffer + sizeof(NvmlGpmMetricsGetHeader));
            for (int i = 0; i < metrics.Length; i++) entries[i].MetricId = metrics[i].MetricId;
            var r = ((delegate* unmanaged[Cdecl]<byte*, NvmlReturn>)f)(buffer);
            for (int i = 0; i < metrics.Length; i++) metrics[i] = entries[i];
            return r;
        }
    }
}
