using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Catalog
{
    /// <summary>A card name that matches no card of the table (with the closest names), or several where one is needed.</summary>
    public sealed class CardNameException : DlGpuToolsException
    {
        private CardNameException(ErrorEntry entry, string message, string remedy)
            : base(entry, message, remedy)
        {
        }

        public static CardNameException NotFound(string name, IReadOnlyList<string> closest) =>
            new CardNameException(ErrorCatalogue.GpuCardNotFound,
            "No card in the card table matches '" + PrintableText.Of(name) + "'."
                + ((closest?.Count ?? 0) > 0 ? " Closest: " + string.Join("; ", closest!)
                + "." : string.Empty),
            "Use one of the names above, list the table with Get-GpuSpec (wildcards work: Get-GpuSpec '*4090*'), or add the card: "
            + "Get-GpuSpec 'RTX 4090' | Export-Csv my-cards.csv, edit the row (name, figures, source), and pass -CardTable my-cards.csv.");

        public static CardNameException Ambiguous(string name, IReadOnlyList<string> matches) =>
            new CardNameException(ErrorCatalogue.GpuCardAmbiguous,
            "'" + PrintableText.Of(name) + "' matches " + (matches ?? throw new ArgumentNullException(nameof(matches))).Count + " cards: "
                + string.Join("; ", matches) + ".",
            "Name one of them exactly (tab completion offers the names), or pipe the device from Get-CudaDevice, whose memory size picks "
                + "the variant.");

        /// <summary>The failure a lookup that found no card, or several, stands for.</summary>
        public static CardNameException From(CardLookup lookup, string name)
        {
            if (lookup == null) throw new ArgumentNullException(nameof(lookup));
            return lookup.Matches.Count > 1 ? Ambiguous(name, lookup.Matches.Select(c => c.Name).ToList()) : NotFound(name, lookup.Closest);
        }
    }
}
