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
            var support = new NvmlGpmSupport { Version = NvmlGpmSupport.Version1 };
            var r = _native.nvmlGpmQueryDeviceSupport(device, &support);
            supported = r == NvmlReturn.NVML_SUCCESS && support.IsSupportedDevice != 0;
            return r;
        }

        public NvmlReturn nvmlGpmSampleAlloc(out IntPtr sample)
        {
            sample = IntPtr.Zero;
            IntPtr s;
            var r = _native.nvmlGpmSampleAlloc(&s);
            sample = r == NvmlReturn.NVML_SUCCESS ? s : IntPtr.Zero;
            return r;
        }

        public NvmlReturn nvmlGpmSampleFree(IntPtr sample)
        {
            return _native.nvmlGpmSampleFree(sample);
        }

        public NvmlReturn nvmlGpmSampleGet(IntPtr device, IntPtr sample)
        {
            return _native.nvmlGpmSampleGet(device, sample);
        }

        /// <summary>
        /// Computes <paramref name="metrics"/> (ids in, status and value out) from two samples of one device,
        /// <paramref name="earlier"/> taken before <paramref name="later"/>.
        /// </summary>
        public NvmlReturn nvmlGpmMetricsGet(IntPtr earlier, IntPtr later, NvmlGpmMetric[] metrics)
        {
            if (metrics.Length > GpmMetricCapacity) throw new ArgumentOutOfRangeException(nameof(metrics));
            int size = sizeof(NvmlGpmMetricsGetHeader) + GpmMetricCapacity * sizeof(NvmlGpmMetric);
            byte* buffer = stackalloc byte[size]; // zeroed: the assemblies do not skip locals init
            var header = (NvmlGpmMetricsGetHeader*)buffer;
            header->Version = NvmlGpmMetricsGetHeader.Version1;
            header->NumMetrics = (uint)metrics.Length;
            header->Sample1 = earlier;
            header->Sample2 = later;
            var entries = (NvmlGpmMetric*)(buffer + sizeof(NvmlGpmMetricsGetHeader));
            for (int i = 0; i < metrics.Length; i++) entries[i].MetricId = metrics[i].MetricId;
            var r = _native.nvmlGpmMetricsGet(buffer);
            for (int i = 0; i < metrics.Length; i++) metrics[i] = entries[i];
            return r;
        }
    }
}
