namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The choices of a Prometheus export. Label names mirror dcgm-exporter 4.6.0-4.8.3 (released 2026-07-15), which
    /// renamed its Hostname label to hostname (https://github.com/NVIDIA/dcgm-exporter/pull/655,
    /// https://github.com/NVIDIA/dcgm-exporter/releases/tag/4.6.0-4.8.3); <see cref="LegacyHostnameLabel"/> keeps the
    /// old name for dashboards not yet changed.
    /// </summary>
    public sealed class PrometheusOptions
    {
        public static readonly PrometheusOptions Default = new PrometheusOptions();

        /// <summary>Write "Hostname" (dcgm-exporter before 4.8.3) instead of "hostname".</summary>
        public bool LegacyHostnameLabel { get; set; }

        /// <summary>A job id (a Slurm job id, say) to publish as the <see cref="JobInfoSeries"/>, or null for none.</summary>
        public string? JobId { get; set; }

        public string HostnameLabel => LegacyHostnameLabel ? "Hostname" : "hostname";
    }
}
