using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// A job id in the Prometheus export as one info series per GPU with the value 1, in the pattern of
    /// kube-state-metrics' kube_pod_info (https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/pod-metrics.md;
    /// why the value is 1: https://www.robustperception.io/why-info-style-metrics-have-a-value-of-1/). The GPU metrics
    /// keep their labels, so a new job id makes one new series per GPU here instead of a new copy of every metric;
    /// queries join on UUID: DCGM_FI_DEV_GPU_UTIL * on(UUID) group_left(hpc_job) dlgputools_job_info. The label is
    /// dcgm-exporter's own name for a job (hpc_job, from its --hpc-job-mapping-dir), not "job", which Prometheus
    /// gives the scrape job and would rename to exported_job.
    /// </summary>
    internal static class JobInfoSeries
    {
        public const string MetricName = "dlgputools_job_info";

        /// <summary>
        /// The series for <paramref name="jobId"/> on each GPU of <paramref name="latest"/>, once per UUID: the samples of a
        /// GPU in MIG mode (one per MIG device) carry the GPU's UUID, and a second series with the same labels would be a
        /// duplicate that Prometheus rejects. Empty without a job id.
        /// </summary>
        public static string Format(IReadOnlyList<GpuSample> latest, string? jobId, string hostnameLabel)
        {
            if (Strings.IsNullOrEmpty(jobId) || latest.Count == 0) return string.Empty;
            var text = new StringBuilder();
            text.Append("# HELP ").Append(MetricName)
                .Append(" The job using the GPU (value 1); join on UUID to label GPU metrics with hpc_job.\n");
            text.Append("# TYPE ").Append(MetricName).Append(" gauge\n");
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (GpuSample s in latest)
            {
                if (!written.Add(s.Uuid ?? "#" + s.Index.ToString(CultureInfo.InvariantCulture))) continue;
                text.Append(MetricName)
                    .Append("{hpc_job=\"").Append(PrometheusExposition.Escape(jobId))
                    .Append("\",gpu=\"").Append(s.Index.ToString(CultureInfo.InvariantCulture))
                    .Append("\",UUID=\"").Append(PrometheusExposition.Escape(s.Uuid))
                    .Append("\",").Append(hostnameLabel).Append("=\"").Append(PrometheusExposition.Escape(s.ComputerName))
                    .Append("\"} 1\n");
            }

            return text.ToString();
        }
    }
}
