using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Errors;

namespace DlGpuTools.Recommendations
{
    /// <summary>A card name that matched no card, or several where one is needed.</summary>
    public sealed class CardLookupException : DlGpuToolsException
    {
        public CardLookupException(CardLookup lookup)
            : base(lookup.Matches.Count > 1 ? ErrorCatalogue.GpuCardAmbiguous : ErrorCatalogue.GpuCardNotFound, lookup.Matches.Count == 0
                ? $"No card in the card table matches '{lookup.Query}'." + (lookup.Closest.Count > 0 ? " Closest: " + string.Join("; ",
                    lookup.Closest) + "." : string.Empty)
                : $"'{lookup.Query}' matches {lookup.Matches.Count} cards: " + string.Join("; ",
                    lookup.Matches.Select(c => c.Name)) + ". Name one of them.")
        {
            Lookup = lookup;
        }

        public CardLookup Lookup { get; }

        public bool IsAmbiguous => Lookup.Matches.Count > 1;
    }
}
