using System.Globalization;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// User-facing text of the cmdlet layer, in one file so wording stays consistent and can move to
    /// .resx resources when a translation arrives. Formatted with the UI culture.
    /// </summary>
    internal static class Messages
    {
        public const string DriverLoadedFrom = "CUDA driver loaded from {0}.";

        public const string TableNotAFileSystemPath = "'{0}' is a path of the {1} provider, not of a file.";

        public const string ThreadCountNotUsed = "-ThreadCount {0} was asked for, but {1} thread(s) ran: the library caps the count (its "
            + "build's maximum) or decides itself ({2}).";
        public const string ThreadCountOverCpus = "This process may use {0} logical CPU(s); threads beyond that take "
            + "turns and add no speed.";

        public const string HealthNoDeviceInput = "No GPU came down the pipeline, so none was checked.";

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA1305:Specify IFormatProvider",
            Justification = "Messages are for the person at the console, so they follow the UI culture on purpose; data is formatted with "
            + "the invariant culture elsewhere.")]
        public static string Format(string format, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, format, args);
    }
}
