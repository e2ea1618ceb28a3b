using System;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Catalog;

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

        /// <summary>The memory the device reports, in bytes (Get-CudaDevice's TotalMemory): picks the variant of a driver name such as
        /// 'NVIDIA GeForce RTX 3060'.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("TotalMemory")]
        public ulong DeviceMemoryBytes { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CardTable { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                _catalog = CatalogLoader.Load(this, CardTable);
            }
            catch (TableLoadException e)
            {
                ThrowFailure(e, CardTable);
            }
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
                if (lookup.Matches.Count == 0) WriteFailure(CardNameException.NotFound(name, lookup.Closest), name);
            }
        }
    }

    /// <summary>
    /// Loads the card and price tables for a cmdlet: the built-in one, or the user's file read against PowerShell's
    /// current location. A table that cannot be used is a TableLoadException (CardTableInvalid, PriceTableInvalid).
    /// </summary>
    internal static class CatalogLoader
    {
        public static CardCatalog Load(PSCmdlet cmdlet, string? cardTable) =>
            Load(cmdlet, cardTable, priceTable: false, UserTables.LoadCards);

        public static PriceTable LoadPrices(PSCmdlet cmdlet, string? priceTable, CardCatalog catalog) =>
            Load(cmdlet, priceTable, priceTable: true, path => UserTables.LoadPrices(path, catalog));

        private static T Load<T>(PSCmdlet cmdlet, string? file, bool priceTable, Func<string?, T> load)
            where T : class
        {
            string? path = null;
            if (file != null)
            {
                ProviderInfo provider;
                try
                {
                    path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(file, out provider, out _);
                }
                catch (Exception e) when (e is NotSupportedException || e is SessionStateException || e is ProviderInvocationException
                    || e is ArgumentException)
                {
                    // A path PowerShell cannot resolve to a file: a drive that does not exist, a malformed path. These are
                    // PowerShell's own answers about the user's path, not engine failures.
                    throw TableLoadException.NotAFilePath(e.Message, priceTable);
                }

                if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                    throw TableLoadException.NotAFilePath(Messages.Format(Messages.TableNotAFileSystemPath, file, provider.Name),
                        priceTable);
            }

            return load(path);
        }
    }
}
