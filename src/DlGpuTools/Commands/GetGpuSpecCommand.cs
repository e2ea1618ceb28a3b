using System;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Catalog;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Looks cards up in the built-in card table (datasheet figures with sources). Takes names as people type
    /// them, wildcards, or devices from Get-CudaDevice (Name, and TotalMemory to pick a memory variant).
    /// A name that fits several cards returns each of them.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuSpec")]
    [OutputType(typeof(GpuSpec))]
    public sealed class GetGpuSpecCommand : DlGpuCmdlet
    {
        private CardCatalog? _catalog; // -CardTable's table, or the built-in one, from BeginProcessing

        // Not loaded at construction: PowerShell also builds cmdlet objects for help, where no table is needed.
        private CardCatalog Catalog => _catalog ?? CardCatalog.BuiltIn;

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Card", "DeviceName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(CardNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>The memory the device reports, in bytes (Get-CudaDevice's TotalMemory): picks the variant of a driver name such as 'NVIDIA GeForce RTX 3060'.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("TotalMemory")]
        public ulong DeviceMemoryBytes { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CardTable { get; set; }

        protected override void BeginProcessing()
        {
            _catalog = CatalogLoader.LoadOrThrow(this, CardTable);
        }

        protected override void ProcessRecord()
        {
            if (Name == null)
            {
                foreach (GpuSpec card in Catalog.Cards) WriteObject(card);
                return;
            }

            double? memoryGiB = DeviceMemoryBytes > 0 ? DeviceMemoryBytes / (double)(1L << 30) : (double?)null;
            foreach (string name in Name)
            {
                // One rule for names, wildcards included, shared with Tab (CardNameCompleter) and -CurrentGpu.
                CardLookup lookup = Catalog.Find(name, memoryGiB);
                foreach (GpuSpec card in lookup.Matches) WriteObject(card);
                if (lookup.Matches.Count == 0) WriteNotFound(name, lookup.Closest.ToArray());
            }
        }

        private void WriteNotFound(string name, string[] closest)
        {
            WriteFailure(nameof(Messages.GpuCardNotFound), FailureCategory.ObjectNotFound,
                Messages.Format(Messages.GpuCardNotFound, name) + (closest.Length > 0 ? " " + Messages.Format(Messages.GpuCardClosest, string.Join("; ", closest)) : string.Empty),
                Messages.GpuCardNotFoundRemedy, name);
        }
    }

    /// <summary>Loads the card and price tables for a cmdlet, turning a bad user table into a terminating error with every problem listed.</summary>
    internal static class CatalogLoader
    {
        public static CardCatalog LoadOrThrow(PSCmdlet cmdlet, string? cardTable) =>
            Load(cmdlet, cardTable, "CardTableInvalid", Messages.CardTableRemedy, path => CardCatalog.Load(path));

        public static PriceTable LoadPricesOrThrow(PSCmdlet cmdlet, string? priceTable, CardCatalog catalog) =>
            Load(cmdlet, priceTable, "PriceTableInvalid", Messages.PriceTableRemedy, path => PriceTable.Load(path, catalog));

        private static T Load<T>(PSCmdlet cmdlet, string? file, string errorId, string remedy, Func<string?, T> load)
            where T : class
        {
            try
            {
                string? path = file == null ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(file);
                return load(path);
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException || e is CardTableException || e is System.IO.InvalidDataException)
            {
                bool invalid = e is CardTableException || (e is System.IO.InvalidDataException);
                var record = new ErrorRecord(e, errorId, invalid ? ErrorCategory.InvalidData : ErrorCategory.ReadError, file)
                {
                    ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = remedy },
                };
                cmdlet.ThrowTerminatingError(record);
                throw; // not reached: ThrowTerminatingError always throws, which the compiler cannot see
            }
        }
    }
}
