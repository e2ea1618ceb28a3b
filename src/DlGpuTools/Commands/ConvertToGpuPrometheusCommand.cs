using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Turns samples from Get-GpuSample into Prometheus text exposition format with dcgm-exporter's metric names
    /// and labels; the latest sample of each GPU is used.
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "GpuPrometheus")]
    [OutputType(typeof(string))]
    public sealed class ConvertToGpuPrometheusCommand : PSCmdlet
    {
        private readonly List<GpuSample> _samples = new List<GpuSample>();

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ValidateNotNull]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>(); // mandatory: bound before ProcessRecord

        protected override void ProcessRecord()
        {
            GpuSampleInput.Collect(this, InputObject, _samples);
        }

        protected override void EndProcessing() => WriteObject(PrometheusExposition.Format(_samples));
    }
}
