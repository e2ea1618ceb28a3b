using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Writes samples as a node_exporter textfile (Prometheus format, dcgm-exporter names) atomically: a reader
    /// sees the old file or the new one, never a partial write. Only a regular file is replaced, keeping its mode
    /// and group; an export with no sample writes dlgputools_export_up 0 rather than an empty file. A stream of
    /// samples (Get-GpuSample -Continuous) is written once per complete round, so every write has every GPU.
    /// </summary>
    [Cmdlet(VerbsData.Export, "GpuMetric", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportGpuMetricCommand : DlGpuCmdlet
    {
        private readonly SampleRounds _rounds = new SampleRounds();
        private readonly List<GpuSample> _batch = new List<GpuSample>();
        private string? _path;
        private bool? _approved;
        private bool _stopped;

        /// <summary>The .prom file to write, in node_exporter's --collector.textfile.directory.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty; // mandatory: bound before BeginProcessing

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>(); // mandatory: bound before ProcessRecord

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>A job id (for example $env:SLURM_JOB_ID) published as dlgputools_job_info{hpc_job=...} 1 per GPU.</summary>
        [Parameter]
        [ValidateLength(1, 128)]
        public string? JobId { get; set; }

        /// <summary>Names the host label Hostname, as dcgm-exporter did before 4.8.3, instead of hostname.</summary>
        [Parameter]
        public SwitchParameter LegacyHostnameLabel { get; set; }

        protected override void ProcessRecord()
        {
            _batch.Clear();
            foreach (var (input, why) in GpuSampleInput.Collect(InputObject, _batch)) WriteFailure(why, input);
            // Each completed round is written at once: a -Continuous stream keeps the file current, with every GPU.
            foreach (GpuSample sample in _batch)
            {
                foreach (IReadOnlyList<GpuSample> round in _rounds.Add(sample)) Write(round);
            }
        }

        protected override void EndProcessing()
        {
            if (_rounds.IsEmpty)
            {
                // No sample at all: say so in the file (dlgputools_export_up 0) rather than serve the old readings.
                if (!Write(Array.Empty<GpuSample>())) return;
                WriteFailure(MetricExportException.NoSamples(ResolvedPath), ResolvedPath);
                return;
            }

            if ((_rounds.HasUnwritten || _approved == null) && !Write(_rounds.Latest)) return;
            if (PassThru && _approved == true) WriteObject(new FileInfo(ResolvedPath));
        }

        private string ResolvedPath => _path ?? (_path = GetUnresolvedProviderPathFromPSPath(Path));

        /// <summary>Writes one snapshot; false when it was not written (declined, or failed: then no later write is tried).</summary>
        private bool Write(IReadOnlyList<GpuSample> samples)
        {
            if (_stopped) return false;
            string path = ResolvedPath;
            if (_approved == null) _approved = ShouldProcess(path, "Write GPU metrics");
            if (_approved == false) return false;
            string? note;
            try
            {
                note = TextfileWriter.WriteAtomically(path,
                    PrometheusExposition.FormatExport(samples.ToList(),
                        new PrometheusOptions { JobId = JobId, LegacyHostnameLabel = LegacyHostnameLabel }));
            }
            catch (MetricExportException failure)
            {
                _stopped = true;
                WriteFailure(failure, path);
                return false;
            }

            if (note != null) WriteWarning(note);
            return true;
        }
    }
}
