using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Catalog;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Looks cards up in the built-in card table (datasheet figures with sources). Takes names, wildcards, or
    /// devices from Get-CudaDevice, whose Name property is the driver's name for the card.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuSpec")]
    [OutputType(typeof(GpuSpec))]
    public sealed class GetGpuSpecCommand : DlGpuCmdlet
    {
        private CardCatalog _catalog;

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Card", "DeviceName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(CardNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CardTable { get; set; }

        protected override void BeginProcessing()
        {
            _catalog = CatalogLoader.LoadOrThrow(this, CardTable);
        }

        protected override void ProcessRecord()
        {
            if (Name == null)
            {
                foreach (GpuSpec card in _catalog.Cards) WriteObject(card);
                return;
            }

            foreach (string name in Name)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    foreach (GpuSpec card in _catalog.FindByPattern(name)) WriteObject(card);
                    continue;
                }

                GpuSpec match = _catalog.Resolve(name);
                if (match != null)
                {
                    WriteObject(match);
                    continue;
                }

                string[] near = _catalog.FindByPattern("*" + name.Trim() + "*").Select(c => c.Name).Take(5).ToArray();
                WriteFailure(nameof(Messages.CardNotFound), FailureCategory.ObjectNotFound,
                    Messages.Format(Messages.CardNotFound, name) + (near.Length > 0 ? " " + Messages.Format(Messages.CardCandidates, string.Join("; ", near)) : string.Empty),
                    Messages.CardNotFoundRemedy, name);
            }
        }
    }

    /// <summary>Loads the card table for a cmdlet, turning a bad user table into a terminating error with every problem listed.</summary>
    internal static class CatalogLoader
    {
        public static CardCatalog LoadOrThrow(PSCmdlet cmdlet, string cardTable)
        {
            try
            {
                string path = cardTable == null ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(cardTable);
                return CardCatalog.Load(path);
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException || e is CardTableException || e is System.IO.InvalidDataException)
            {
                var record = new ErrorRecord(e, "CardTableInvalid", e is CardTableException || e is System.IO.InvalidDataException ? ErrorCategory.InvalidData : ErrorCategory.ReadError, cardTable)
                {
                    ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = Messages.CardTableRemedy },
                };
                cmdlet.ThrowTerminatingError(record);
                return null;
            }
        }
    }
}
