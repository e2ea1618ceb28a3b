using System;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Catalog;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

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

    /// <summary>
    /// Loads the card and price tables for a cmdlet, turning a bad user table into one terminating error with a stable
    /// ErrorId (CardTableInvalid, PriceTableInvalid), every fault listed (the first 20 and a count), a category that
    /// says what kind of problem it is, and a remedy that fits it.
    /// </summary>
    internal static class CatalogLoader
    {
        public static CardCatalog LoadOrThrow(PSCmdlet cmdlet, string? cardTable) =>
            Load(cmdlet, cardTable, "CardTableInvalid", Messages.CardTableRemedy, path => CardCatalog.Load(path));

        public static PriceTable LoadPricesOrThrow(PSCmdlet cmdlet, string? priceTable, CardCatalog catalog) =>
            Load(cmdlet, priceTable, "PriceTableInvalid", Messages.PriceTableRemedy, path => PriceTable.Load(path, catalog));

        private static T Load<T>(PSCmdlet cmdlet, string? file, string errorId, string contentRemedy, Func<string?, T> load)
            where T : class
        {
            string? path = null;
            if (file != null)
            {
                try
                {
                    path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(file, out ProviderInfo provider, out _);
                    if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                        throw new NotSupportedException(Messages.Format(Messages.TableNotAFileSystemPath, file, provider.Name));
                }
                catch (Exception e) when (e is NotSupportedException || e is SessionStateException || e is ProviderInvocationException || e is ArgumentException)
                {
                    // A path PowerShell cannot resolve to a file: a drive that does not exist, Env:, Variable:...
                    throw Terminate(cmdlet, e, errorId, ErrorCategory.InvalidArgument, Messages.TablePathRemedy, file);
                }
            }

            try
            {
                return load(path);
            }
            catch (CardTableException e)
            {
                var (category, remedy) = e.Problem switch
                {
                    CardTableProblem.NotFound => (ErrorCategory.ObjectNotFound, Messages.TablePathRemedy),
                    CardTableProblem.NotAFile => (ErrorCategory.InvalidArgument, Messages.TablePathRemedy),
                    CardTableProblem.TooLarge => (ErrorCategory.LimitsExceeded, Messages.TableTooLargeRemedy),
                    CardTableProblem.Unreadable => (e.InnerException is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError, Messages.TableUnreadableRemedy),
                    _ => (ErrorCategory.InvalidData, contentRemedy),
                };
                throw Terminate(cmdlet, e, errorId, category, remedy, file);
            }
        }

        private static Exception Terminate(PSCmdlet cmdlet, Exception error, string errorId, ErrorCategory category, string remedy, string? file)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(error, errorId, category, file)
            {
                ErrorDetails = new ErrorDetails(error.Message) { RecommendedAction = remedy },
            });
            return error; // not reached: ThrowTerminatingError always throws, which the compiler cannot see
        }
    }
}
