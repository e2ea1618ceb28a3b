using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Turns samples from Get-GpuSample into Prometheus text exposition format with dcgm-exporter's metric names
    /// and labels; the latest sample of each GPU is used. -JobId adds a dlgputools_job_info series per GPU.
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "GpuPrometheus")]
    [OutputType(typeof(string))]
    public sealed class ConvertToGpuPrometheusCommand : DlGpuCmdlet
    {
        private readonly List<GpuSample> _samples = new List<GpuSample>();

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ValidateNotNull]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>(); // mandatory: bound before ProcessRecord

        /// <summary>A job id (for example $env:SLURM_JOB_ID) published as dlgputools_job_info{hpc_job=...} 1 per GPU.</summary>
        [Parameter]
        [ValidateLength(1, 128)]
        public string? JobId { get; set; }

        /// <summary>Names the host label Hostname, as dcgm-exporter did before 4.8.3, instead of hostname.</summary>
        [Parameter]
        public SwitchParameter LegacyHostnameLabel { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var (input, why) in GpuSampleInput.Collect(InputObject, _samples)) WriteFailure(why, input);
        }

        protected override void EndProcessing() =>
            WriteObject(
                PrometheusExposition.Format(_samples, new PrometheusOptions { JobId = JobId, LegacyHostnameLabel = LegacyHostnameLabel }));
    }
}
