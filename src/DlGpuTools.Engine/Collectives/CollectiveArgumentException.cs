using System.Globalization;
using DlGpuTools.Errors;

namespace DlGpuTools.Collectives
{
    /// <summary>A collective asked for in a way that cannot run as given: the user's to change before any rank starts.</summary>
    public sealed class CollectiveArgumentException : DlGpuToolsException
    {
        private CollectiveArgumentException(ErrorEntry entry, string message, string remedy)
            : base(entry, message, remedy)
        {
        }

        public static CollectiveArgumentException SizeRange(long minBytes, long maxBytes) =>
            new CollectiveArgumentException(ErrorCatalogue.CollectiveSizeRange,
            string.Format(CultureInfo.InvariantCulture, "-MaxBytes ({0}) is below -MinBytes ({1}).", maxBytes, minBytes),
            "Give -MaxBytes at least -MinBytes: message sizes double from -MinBytes up to -MaxBytes (for example -MinBytes 8 -MaxBytes "
                + "128MB).");

        public static CollectiveArgumentException RankNeedsOneGpu(int selected) =>
            new CollectiveArgumentException(ErrorCatalogue.CollectiveRankNeedsOneGpu,
            string.Format(CultureInfo.InvariantCulture, "A rank uses one GPU, and {0} were selected.", selected),
            "Name one GPU for each rank (-Index 0), or none: ranks on one host then take its GPUs in turn (rank modulo the GPUs visible).");

        /// <summary>-Uuid and device objects name GPUs of this computer, so they cannot pick the GPUs of ranks on other hosts.</summary>
        public static CollectiveArgumentException DeviceSelectionNotRemote() =>
            new CollectiveArgumentException(ErrorCatalogue.CollectiveDeviceSelectionNotRemote,
            "-Uuid and device objects pick GPUs of this computer; the ranks on other hosts choose theirs by index.",
            "Use -Index to pick the same GPU indexes on every host, or -GpusPerHost to use the first n.");
    }
}
