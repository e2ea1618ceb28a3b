using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Writes samples in Prometheus's text exposition format (version 0.0.4) with NVIDIA dcgm-exporter's metric
    /// names, units and labels, so dashboards built for dcgm-exporter (Grafana 12239) read them unchanged.
    /// Names, types and units follow dcgm-exporter's etc/default-counters.csv and DCGM's field list (read
    /// 2026-11): DCGM_FI_DEV_* are NVML-style readings (percent, MiB, W, C, MHz), DCGM_FI_PROF_* are ratios 0-1
    /// (or bytes per second) that we fill from GPM. Labels: gpu, UUID, pci_bus_id, device, modelName, hostname
    /// (named as dcgm-exporter 4.6.0-4.8.3 names them; see <see cref="PrometheusOptions"/>); a MIG device's series
    /// also GPU_I_PROFILE and GPU_I_ID, with UUID the GPU's, as dcgm-exporter labels GPU instances.
    /// </summary>
    public static class PrometheusExposition
    {
        private const double MiB = 1024.0 * 1024.0;

        internal sealed class Metric
        {
            public Metric(string name, string type, string help, Func<GpuSample, double?> value)
            {
                Name = name;
                Type = type;
                Help = help;
                Value = value;
            }

            public string Name { get; }
            public string Type { get; }
            public string Help { get; }
            public Func<GpuSample, double?> Value { get; }
        }

        internal static readonly Metric[] Metrics =
        {
            new Metric("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %): time a kernel was running.", s => s.GpuUtilizationPercent),
            new Metric("DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %).", s => s.MemoryUtilizationPercent),
            new Metric("DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).", s => Mib(s.MemoryUsed)),
            new Metric("DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).", s => Mib(s.MemoryFree)),
            new Metric("DCGM_FI_DEV_FB_TOTAL", "gauge", "Framebuffer memory total (in MiB).", s => Mib(s.MemoryTotal)),
            new Metric("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", s => s.PowerW),
            new Metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", "gauge", "Enforced power limit (in W).", s => s.PowerLimitW),
            // A counter in mJ, as dcgm-exporter's default-counters.csv declares it: rate() over it gives watts / 1000.
            new Metric("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since the driver loaded (in mJ).",
                s => s.TotalEnergyMillijoules),
            new Metric("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).", s => s.TemperatureC),
            new Metric("DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).", s => s.SmClockMHz),
            new Metric("DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz).", s => s.MemoryClockMHz),
            new Metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "gauge",
                "Clock-event (throttle) reasons bit mask (NVML nvmlClocksEventReason bits).", s => s.ClockEventReasonMask),
            new Metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "counter", "Total number of single-bit volatile ECC errors.",
                s => s.EccCorrectedVolatile),
            new Metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "counter", "Total number of double-bit volatile ECC errors.",
                s => s.EccUncorrectedVolatile),
            new Metric("DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", "counter", "Total number of single-bit persistent ECC errors.",
                s => s.EccCorrectedAggregate),
            new Metric("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "counter", "Total number of double-bit persistent ECC errors.",
                s => s.EccUncorrectedAggregate),
            new Metric("DCGM_FI_PROF_PCIE_TX_BYTES", "gauge", "Bytes per second transmitted through PCIe (NVML PCIe throughput).",
                s => s.PcieTxBytesPerSecond),
            new Metric("DCGM_FI_PROF_PCIE_RX_BYTES", "gauge", "Bytes per second received through PCIe (NVML PCIe throughput).",
                s => s.PcieRxBytesPerSecond),
            new Metric("DCGM_FI_PROF_NVLINK_TX_BYTES", "gauge", "Bytes per second of NVLink data transmitted, all links.",
                s => s.NvLinkTxBytesPerSecond),
            new Metric("DCGM_FI_PROF_NVLINK_RX_BYTES", "gauge", "Bytes per second of NVLink data received, all links.",
                s => s.NvLinkRxBytesPerSecond),
            new Metric("DCGM_FI_PROF_SM_ACTIVE", "gauge", "The ratio of cycles an SM has at least 1 warp assigned (NVML GPM).", s =>
                Ratio(s.GpmSmActivityPercent)),
            new Metric("DCGM_FI_PROF_SM_OCCUPANCY", "gauge", "The ratio of resident warps to the maximum per SM (NVML GPM).", s =>
                Ratio(s.GpmSmOccupancyPercent)),
            new Metric("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge", "The ratio of cycles any tensor pipe is active (NVML GPM).", s =>
                Ratio(s.GpmTensorActivityPercent)),
            new Metric("DCGM_FI_PROF_PIPE_TENSOR_HMMA_ACTIVE", "gauge", "The ratio of cycles the HMMA tensor pipe is active (NVML GPM).",
                s => Ratio(s.GpmTensorHmmaActivityPercent)),
            new Metric("DCGM_FI_PROF_DRAM_ACTIVE", "gauge", "The ratio of DRAM bandwidth used to its maximum (NVML GPM).", s =>
                Ratio(s.GpmDramBandwidthPercent)),
            new Metric("DCGM_FI_PROF_PIPE_FP16_ACTIVE", "gauge", "The ratio of cycles the FP16 pipe is active (NVML GPM).", s =>
                Ratio(s.GpmFp16ActivityPercent)),
            new Metric("DCGM_FI_PROF_PIPE_FP32_ACTIVE", "gauge", "The ratio of cycles the FP32 pipe is active (NVML GPM).", s =>
                Ratio(s.GpmFp32ActivityPercent)),
            new Metric("DCGM_FI_PROF_PIPE_FP64_ACTIVE", "gauge", "The ratio of cycles the FP64 pipe is active (NVML GPM).", s =>
                Ratio(s.GpmFp64ActivityPercent)),
        };

        /// <summary>
        /// The exposition text for <paramref name="samples"/>: the latest sample of each GPU (a series may appear
        /// once per scrape), each metric's HELP and TYPE once, and a line per GPU that has the value. No
        /// timestamps: node_exporter's textfile collector rejects them.
        /// </summary>
        public static string Format(IEnumerable<GpuSample> samples) => Format(samples, PrometheusOptions.Default);

        /// <summary>
        /// As <see cref="Format(IEnumerable{GpuSample})"/>, with the label names and job info series of <paramref name="options"/>.
        /// </summary>
        public static string Format(IEnumerable<GpuSample> samples, PrometheusOptions options)
        {
            List<GpuSample> latest = samples
                .Where(s => s != null)
                // One series per GPU of each host: two hosts' GPUs without a UUID (or with cloned ones) stay apart.
                .GroupBy(SampleRounds.Key)
                .Select(g => g.OrderBy(s => s.Timestamp).Last())
                .OrderBy(s => s.ComputerName, StringComparer.Ordinal).ThenBy(s => s.Index)
                .ToList();
            var text = new StringBuilder();
            foreach (Metric metric in Metrics)
            {
                var lines = new List<string>();
                foreach (GpuSample sample in latest)
                {
                    double? value = metric.Value(sample);
                    if (value.HasValue) lines.Add(metric.Name + Labels(sample, options.HostnameLabel) + " " + FormatValue(value.Value));
                }

                if (lines.Count == 0) continue;
                text.Append("# HELP ").Append(metric.Name).Append(' ').Append(metric.Help).Append('\n');
                text.Append("# TYPE ").Append(metric.Name).Append(' ').Append(metric.Type).Append('\n');
                foreach (string line in lines) text.Append(line).Append('\n');
            }

            return text.Append(JobInfoSeries.Format(latest, options.JobId, options.HostnameLabel)).ToString();
        }

        /// <summary>The metric that says whether the last export held samples at all.</summary>
        public const string ExportUpMetric = "dlgputools_export_up";

        /// <summary>
        /// What Export-GpuMetric writes: the samples' exposition and <see cref="ExportUpMetric"/> 1, or, with no valid
        /// sample (the driver or NVML failed in a timer's run), only <see cref="ExportUpMetric"/> 0, so a dashboard
        /// tells an outage from a host without GPUs and no stale readings are served as current.
        /// </summary>
        public static string FormatExport(ICollection<GpuSample> samples) => FormatExport(samples, PrometheusOptions.Default);

        public static string FormatExport(ICollection<GpuSample> samples, PrometheusOptions options)
        {
            string body = samples.Count == 0 ? string.Empty : Format(samples, options);
            return body
                + "# HELP " + ExportUpMetric
                    + " 1 when the last Export-GpuMetric wrote GPU samples; 0 when it had none (the driver or NVML "
                    + "failed, or no GPU answered).\n"
                + "# TYPE " + ExportUpMetric + " gauge\n"
                + ExportUpMetric + " " + (samples.Count == 0 ? "0" : "1") + "\n";
        }

        private static string Labels(GpuSample s, string hostnameLabel)
        {
            string device = s.MinorNumber.HasValue ? "nvidia" + s.MinorNumber.Value.ToString(CultureInfo.InvariantCulture) : string.Empty;
            return "{gpu=\"" + s.Index.ToString(CultureInfo.InvariantCulture)
                + "\",UUID=\"" + Escape(s.Uuid)
                + "\",pci_bus_id=\"" + Escape(s.PciBusId)
                + "\",device=\"" + Escape(device)
                + "\",modelName=\"" + Escape(s.Name)
                + MigLabels(s)
                + "\"," + hostnameLabel + "=\"" + Escape(s.ComputerName) + "\"}";
        }

        // A MIG device's series carry its profile and GPU instance id after modelName, as dcgm-exporter's template writes
        // them (internal/pkg/rendermetrics/render_metrics.go, https://github.com/NVIDIA/dcgm-exporter/blob/
        // d5e5f510a1b6b393f39a43293ccd9dc985defc79/internal/pkg/rendermetrics/render_metrics.go); a whole GPU's carry neither.
        private static string MigLabels(GpuSample s) =>
            s.GpuInstanceId.HasValue
                ? "\",GPU_I_PROFILE=\"" + Escape(s.MigProfile) + "\",GPU_I_ID=\""
                    + s.GpuInstanceId.Value.ToString(CultureInfo.InvariantCulture)
                : string.Empty;

        /// <summary>A label value escaped as the exposition format requires: backslash, double quote and newline.</summary>
        public static string Escape(string? value) =>
            (value ?? string.Empty).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

        private static string FormatValue(double value)
        {
            if (double.IsNaN(value)) return "NaN";
            if (double.IsPositiveInfinity(value)) return "+Inf";
            if (double.IsNegativeInfinity(value)) return "-Inf";
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        private static double? Mib(ulong? bytes) => bytes.HasValue ? Math.Round(bytes.Value / MiB) : (double?)null;

        private static double? Ratio(double? percent) => percent.HasValue ? Math.Round(percent.Value / 100.0, 4) : (double?)null;
    }
}
