using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// One GPU's GPM state: two native sample buffers used in turn, so each reading is compared with the one
    /// before it. Frees both buffers on Dispose. Absent (with <see cref="Status"/> saying why) on GPUs or
    /// drivers without GPM. For a MIG device, the samples are of its GPU instance (nvmlGpmMigSampleGet on the parent
    /// GPU), so the figures are that instance's activity.
    /// </summary>
    internal sealed class GpmCounters : IDisposable
    {
        internal static readonly NvmlGpmMetricId[] Metrics =
        {
            NvmlGpmMetricId.NVML_GPM_METRIC_SM_UTIL,
            NvmlGpmMetricId.NVML_GPM_METRIC_SM_OCCUPANCY,
            NvmlGpmMetricId.NVML_GPM_METRIC_ANY_TENSOR_UTIL,
            NvmlGpmMetricId.NVML_GPM_METRIC_HMMA_TENSOR_UTIL,
            NvmlGpmMetricId.NVML_GPM_METRIC_DRAM_BW_UTIL,
            NvmlGpmMetricId.NVML_GPM_METRIC_FP16_UTIL,
            NvmlGpmMetricId.NVML_GPM_METRIC_FP32_UTIL,
            NvmlGpmMetricId.NVML_GPM_METRIC_FP64_UTIL,
        };

        private readonly Nvml _nvml;
        private readonly IntPtr _device;
        private readonly uint? _gpuInstanceId;
        private IntPtr _previous;
        private IntPtr _next;
        private bool _havePrevious;

        private GpmCounters(Nvml nvml, IntPtr device, uint? gpuInstanceId, IntPtr first, IntPtr second)
        {
            _nvml = nvml;
            _device = device;
            _gpuInstanceId = gpuInstanceId;
            _previous = first;
            _next = second;
        }

        /// <summary>Why GPM figures are empty for this GPU, or null when it has them.</summary>
        public string? Status { get; private set; }

        /// <summary>
        /// GPM for one GPU (or one GPU instance of it: <paramref name="gpuInstanceId"/>), or null with the reason in
        /// <paramref name="unavailable"/>.
        /// </summary>
        public static GpmCounters? TryCreate(Nvml nvml, IntPtr device, out string? unavailable, uint? gpuInstanceId = null)
        {
            NvmlReturn r = nvml.nvmlGpmQueryDeviceSupport(device, out bool supported);
            if (r == NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND)
            {
                unavailable = "this NVML has no GPM (driver R520 or newer needed)";
                return null;
            }
            if (r != NvmlReturn.NVML_SUCCESS) { unavailable = "GPM support query failed: " + NvmlException.NameOf(r); return null; }
            if (!supported) { unavailable = "not supported on this GPU (Hopper or newer needed)"; return null; }
            r = nvml.nvmlGpmSampleAlloc(out IntPtr first);
            if (r != NvmlReturn.NVML_SUCCESS) { unavailable = "GPM sample allocation failed: " + NvmlException.NameOf(r); return null; }
            r = nvml.nvmlGpmSampleAlloc(out IntPtr second);
            if (r != NvmlReturn.NVML_SUCCESS)
            {
                nvml.nvmlGpmSampleFree(first);
                unavailable = "GPM sample allocation failed: " + NvmlException.NameOf(r);
                return null;
            }

            unavailable = null;
            return new GpmCounters(nvml, device, gpuInstanceId, first, second);
        }

        /// <summary>Takes the first sample, which later readings are compared with.</summary>
        public void Start()
        {
            _havePrevious = Take(_previous) == NvmlReturn.NVML_SUCCESS;
            Status = _havePrevious ? null : "GPM sample failed";
        }

        /// <summary>
        /// Takes a sample and computes the metrics since the previous one into <paramref name="sample"/>; this
        /// sample becomes the previous one. Returns false (and sets <see cref="Status"/>) when NVML refused.
        /// </summary>
        public bool Read(GpuSample sample)
        {
            NvmlReturn r = Take(_next);
            if (r != NvmlReturn.NVML_SUCCESS)
            {
                Status = "GPM sample failed: " + NvmlException.NameOf(r);
                _havePrevious = false;
                return false;
            }

            bool computed = false;
            if (_havePrevious)
            {
                var metrics = new NvmlGpmMetric[Metrics.Length];
                for (int i = 0; i < metrics.Length; i++) metrics[i].MetricId = (uint)Metrics[i];
                r = _nvml.nvmlGpmMetricsGet(_previous, _next, metrics);
                if (r == NvmlReturn.NVML_SUCCESS)
                {
                    Apply(metrics, sample);
                    Status = null;
                    computed = true;
                }
                else
                {
                    Status = "GPM metrics failed: " + NvmlException.NameOf(r);
                }
            }

            // The sample just taken is the start of the next interval.
            IntPtr swap = _previous;
            _previous = _next;
            _next = swap;
            _havePrevious = true;
            return computed;
        }

        private NvmlReturn Take(IntPtr sample) =>
            _gpuInstanceId.HasValue ? _nvml.nvmlGpmMigSampleGet(_device, _gpuInstanceId.Value, sample)
                : _nvml.nvmlGpmSampleGet(_device, sample);

        internal static void Apply(NvmlGpmMetric[] metrics, GpuSample sample)
        {
            foreach (NvmlGpmMetric m in metrics)
            {
                if (m.NvmlReturn != NvmlReturn.NVML_SUCCESS || double.IsNaN(m.Value)) continue;
                double value = Math.Round(m.Value, 2);
                switch ((NvmlGpmMetricId)m.MetricId)
                {
                    case NvmlGpmMetricId.NVML_GPM_METRIC_SM_UTIL: sample.GpmSmActivityPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_SM_OCCUPANCY: sample.GpmSmOccupancyPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_ANY_TENSOR_UTIL: sample.GpmTensorActivityPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_HMMA_TENSOR_UTIL: sample.GpmTensorHmmaActivityPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_DRAM_BW_UTIL: sample.GpmDramBandwidthPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_FP16_UTIL: sample.GpmFp16ActivityPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_FP32_UTIL: sample.GpmFp32ActivityPercent = value; break;
                    case NvmlGpmMetricId.NVML_GPM_METRIC_FP64_UTIL: sample.GpmFp64ActivityPercent = value; break;
                }
            }
        }

        public void Dispose()
        {
            if (_previous != IntPtr.Zero) _nvml.nvmlGpmSampleFree(_previous);
            if (_next != IntPtr.Zero) _nvml.nvmlGpmSampleFree(_next);
            _previous = _next = IntPtr.Zero;
        }
    }
}
