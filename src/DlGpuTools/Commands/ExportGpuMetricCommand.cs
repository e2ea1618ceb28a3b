using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Writes samples as a node_exporter textfile (Prometheus format, dcgm-exporter names) atomically: a reader
    /// sees the old file or the new one, never a partial write.
    /// </summary>
    [Cmdlet(VerbsData.Export, "GpuMetric", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportGpuMetricCommand : PSCmdlet
    {
        private readonly List<GpuSample> _samples = new List<GpuSample>();

        /// <summary>The .prom file to write, in node_exporter's --collector.textfile.directory.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty; // mandatory: bound before BeginProcessing

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>(); // mandatory: bound before ProcessRecord

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (PSObject input in InputObject)
            {
                GpuSample? sample = GpuSampleInput.From(input);
                if (sample != null) _samples.Add(sample);
                else WriteError(new ErrorRecord(new System.ArgumentException(Messages.Format(Messages.InputNotGpuSample, input)), nameof(Messages.InputNotGpuSample), ErrorCategory.InvalidArgument, input)
                {
                    ErrorDetails = new ErrorDetails(Messages.Format(Messages.InputNotGpuSample, input)) { RecommendedAction = Messages.InputNotGpuSampleRemedy },
                });
            }
        }

        protected override void EndProcessing()
        {
            string path = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess(path, "Write GPU metrics")) return;
            try
            {
                TextfileWriter.WriteAtomically(path, PrometheusExposition.Format(_samples));
            }
            catch (DirectoryNotFoundException e)
            {
                WriteError(Failure(e, nameof(Messages.MetricFolderNotFound), ErrorCategory.ObjectNotFound, Messages.Format(Messages.MetricFolderNotFound, System.IO.Path.GetDirectoryName(path)), path));
                return;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(Failure(e, nameof(Messages.MetricFileNotWritten), ErrorCategory.WriteError, Messages.Format(Messages.MetricFileNotWritten, path, e.Message), path));
                return;
            }

            if (PassThru) WriteObject(new FileInfo(path));
        }

        private static ErrorRecord Failure(Exception e, string id, ErrorCategory category, string message, string path) =>
            new ErrorRecord(e, id, category, path) { ErrorDetails = new ErrorDetails(message) { RecommendedAction = Messages.MetricFileRemedy } };
    }
}
