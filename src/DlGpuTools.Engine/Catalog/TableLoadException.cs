using System;
using DlGpuTools.Errors;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// A user's card or price table that cannot be used (CardTableInvalid, PriceTableInvalid): every fault listed (the
    /// first 20 and a count), a category that says what kind of problem it is, and a remedy that fits it.
    /// </summary>
    public sealed class TableLoadException : DlGpuToolsException
    {
        private const string PathRemedy =
            "Give the path of a CSV file (relative paths start at the current location), for example -CardTable ./my-cards.csv or "
                + "-PriceTable ./my-prices.csv.";

        private const string CardContentRemedy =
            "Fix what is named above, line by line. The header needs name, architecture, compute_capability, memory_gb, segment and source "
            + "(Get-GpuSpec 'RTX 4090' | Export-Csv my-cards.csv writes a template); numbers are plain (1650.5, no thousands separators), "
            + "whole where the column counts (tdp_w, launch_year); no text may start with = + - or @.";

        private const string PriceContentRemedy =
            "Fix what is named above, line by line. The header needs card, condition, price_usd, price_date and source (provider and "
                + "notes are "
            + "optional; Export-Csv's Card, PriceUsd, PriceDate spellings are read too); condition is new or used, price_date yyyy-MM or "
            + "yyyy-MM-dd and not in the future, card a name from Get-GpuSpec; kind (sold, asking, average, estimate, msrp), derived "
                + "(yes/no) "
            + "and gpus (8 for an HGX server) are optional; many dated rows per card are evidence, the same row twice is a fault; no text "
            + "may start with = + - or @.";

        private TableLoadException(bool priceTable, FailureCategory category, string message, string remedy)
            : base(priceTable ? ErrorCatalogue.PriceTableInvalid : ErrorCatalogue.CardTableInvalid, category, message, remedy, null)
        {
        }

        /// <summary>A table that was read and refused, or could not be read: the problem picks the category and the remedy.</summary>
        internal static TableLoadException From(CardTableException refused, bool priceTable)
        {
            if (refused == null) throw new ArgumentNullException(nameof(refused));
            var (category, remedy) = refused.Problem switch
            {
                CardTableProblem.NotFound => (FailureCategory.ObjectNotFound, PathRemedy),
                CardTableProblem.NotAFile => (FailureCategory.InvalidArgument, PathRemedy),
                CardTableProblem.TooLarge => (FailureCategory.LimitsExceeded,
                    "Check that it is the right file: a card or price table is a few hundred KB at most."),
                CardTableProblem.Unreadable =>
                    (refused.InnerException is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.ReadError,
                    "Check that this user can read the file (its permissions, and those of its folders)."),
                _ => (FailureCategory.InvalidData, priceTable ? PriceContentRemedy : CardContentRemedy),
            };
            return new TableLoadException(priceTable, category, refused.Message, remedy);
        }

        /// <summary>A path that names no file: a drive that does not exist, or another provider's path (Env:, Variable:).</summary>
        public static TableLoadException NotAFilePath(string message, bool priceTable) =>
            new TableLoadException(priceTable, FailureCategory.InvalidArgument, message, PathRemedy);
    }
}
