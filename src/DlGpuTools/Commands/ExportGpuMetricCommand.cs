using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Writes samples as a node_exporter textfile (Prometheus format, dcgm-exporter names) atomically: a reader
    /// sees the old file or the new one, never a partial write. Only a regular file is replaced, keeping its mode
    /// and group; an export with no sample writes dlgputools_export_up 0 rather than an empty file.
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
            GpuSampleInput.Collect(this, InputObject, _samples);
        }

        protected override void EndProcessing()
        {
            string path = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess(path, "Write GPU metrics")) return;
            string? note;
            try
            {
                note = TextfileWriter.WriteAtomically(path, PrometheusExposition.FormatExport(_samples));
            }
            catch (DirectoryNotFoundException e)
            {
                WriteError(Failure(e, nameof(Messages.MetricFolderNotFound), ErrorCategory.ObjectNotFound, Messages.Format(Messages.MetricFolderNotFound, System.IO.Path.GetDirectoryName(path)), Messages.MetricFileRemedy, path));
                return;
            }
            catch (NotARegularFileException e)
            {
                WriteError(Failure(e, nameof(Messages.MetricPathNotAFile), ErrorCategory.InvalidArgument, Messages.Format(Messages.MetricPathNotAFile, e.Message.TrimEnd('.')), Messages.MetricPathNotAFileRemedy, path));
                return;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(Failure(e, nameof(Messages.MetricFileNotWritten), ErrorCategory.WriteError, Messages.Format(Messages.MetricFileNotWritten, path, e.Message), Messages.MetricFileRemedy, path));
                return;
            }

            if (note != null) WriteWarning(note);
            if (_samples.Count == 0)
            {
                string message = Messages.Format(Messages.NoGpuSamplesExported, path);
                WriteError(new ErrorRecord(new InvalidOperationException(message), nameof(Messages.NoGpuSamplesExported), ErrorCategory.ResourceUnavailable, path)
                {
                    ErrorDetails = new ErrorDetails(message) { RecommendedAction = Messages.NoGpuSamplesExportedRemedy },
                });
            }

            if (PassThru) WriteObject(new FileInfo(path));
        }

        private static ErrorRecord Failure(Exception e, string id, ErrorCategory category, string message, string remedy, string path) =>
            new ErrorRecord(e, id, category, path) { ErrorDetails = new ErrorDetails(message) { RecommendedAction = remedy } };
    }
}
