using DlGpuTools.Errors;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Export-GpuMetric's failures: the metrics file could not be written (or must not be replaced), no sample
    /// arrived, or an input was not a GPU sample. Each with the id scripts match on.
    /// </summary>
    public sealed class MetricExportException : DlGpuToolsException
    {
        private const string FileRemedy = "Point -Path at a .prom file in a folder this user can write, such as node_exporter's "
            + "--collector.textfile.directory (often /var/lib/prometheus/node-exporter).";

        private MetricExportException(ErrorEntry entry, string message, string remedy)
            : base(entry, message, remedy)
        {
        }

        public static MetricExportException FolderNotFound(string? folder) => new MetricExportException(ErrorCatalogue.MetricFolderNotFound,
            "The folder " + folder + " does not exist, so the metrics file was not written.", FileRemedy);

        public static MetricExportException FileNotWritten(string path, string why) =>
            new MetricExportException(ErrorCatalogue.MetricFileNotWritten,
            "Could not write the metrics file " + path + ": " + why, FileRemedy);

        /// <summary><paramref name="what"/> says what is at the path instead of a regular file.</summary>
        public static MetricExportException PathNotAFile(string what) => new MetricExportException(ErrorCatalogue.MetricPathNotAFile,
            what + ". Export-GpuMetric writes a regular file, or creates one, and replaces nothing else.",
            "Point -Path at a regular .prom file (or a name not yet taken) in node_exporter's textfile folder; if a link is there on "
                + "purpose, "
            + "point -Path at the file it names.");

        public static MetricExportException NoSamples(string path) => new MetricExportException(ErrorCatalogue.NoGpuSamplesExported,
            "No GPU sample reached Export-GpuMetric, so " + path
                + " now holds only dlgputools_export_up 0 (the earlier readings were not left to be "
            + "served as current).",
            "Run Get-GpuSample on its own to see why it gave no sample (driver or NVML errors), and alert on dlgputools_export_up == 0.");

        public static MetricExportException InputNotSample(string input, string why) =>
            new MetricExportException(ErrorCatalogue.InputNotGpuSample,
            "'" + input + "' is not a GPU sample: " + why + ". It was left out; the other samples were taken.",
            "Pipe the output of Get-GpuSample (also from Invoke-Command, a job or ConvertFrom-Json).");
    }
}
