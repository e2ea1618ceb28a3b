using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// Dated price observations (new street, used, launch, and 8-GPU servers for SXM parts), kept apart from the
    /// card specifications because they change monthly: the built-in card-prices.csv (each row with its kind,
    /// provider, month and a source a user can open: a URL or a dated publication) with an optional user table
    /// laid over it (a user's rows for a card and condition replace the built-in ones). Every observation is kept;
    /// <see cref="Evidence(GpuSpec, DateTime)"/> chooses one by recency and kind and says how sure it is.
    /// </summary>
    public sealed class PriceTable
    {
        private static readonly string[] DateFormats = { "yyyy-MM", "yyyy-MM-dd" };

        public static readonly string[] Columns = { "card", "condition", "price_usd", "price_date", "provider", "source", "notes", "kind",
            "derived", "gpus" };

        /// <summary>What a price table's header may and must name; Export-Csv's PascalCase (PriceUsd, PriceDate) reads as the
        /// columns.</summary>
        internal static readonly TableSchema Schema = new TableSchema("price table", Columns, new[] { "card", "condition", "price_usd",
            "price_date", "source" }, null, new[] { "Origin" });

        /// <summary>Prices older than this many months are flagged: 2026 street prices moved 20-40% a month.</summary>
        public const int StaleAfterMonths = 6;

        private static readonly Lazy<PriceTable> BuiltInTable = new Lazy<PriceTable>(ReadBuiltIn);

        private readonly CardCatalog _catalog;

        private PriceTable(IReadOnlyList<CardPrice> prices, CardCatalog catalog)
        {
            Prices = prices;
            _catalog = catalog;
        }

        public IReadOnlyList<CardPrice> Prices { get; }

        public static PriceTable BuiltIn => BuiltInTable.Value;

        /// <summary>The built-in prices with a user's file laid over them; every card it names must be in <paramref
        /// name="catalog"/>.</summary>
        public static PriceTable Load(string? userTablePath, CardCatalog catalog)
        {
            if (Strings.IsNullOrEmpty(userTablePath)) return BuiltIn;
            string origin = CardCatalog.FullPath(userTablePath, Schema.What);
            List<CardPrice> user = FromTable(CsvTable.ReadFile(origin, Schema), catalog, DateTime.Now);
            var replaced = new HashSet<string>(user.Select(Key), StringComparer.OrdinalIgnoreCase);
            return new PriceTable(BuiltIn.Prices.Where(p => !replaced.Contains(Key(p))).Concat(user).ToList(), catalog);
        }

        /// <summary>
        /// The market price a buyer pays for a card today (see <see cref="Evidence(GpuSpec, DateTime)"/>), or null when
        /// only a launch price is known.
        /// </summary>
        public CardPrice? BestFor(GpuSpec card)
        {
            PriceEvidence? evidence = Evidence(card, DateTime.Now);
            return evidence == null || evidence.Kind == PriceKind.Msrp ? null : evidence.Chosen;
        }

        /// <summary>
        /// What a buyer pays for a card (or, for an SXM/OAM module, for the 8-GPU server it comes in) as of
        /// <paramref name="now"/>: the new or used choice (a fresh one over a stale one, then the cheaper), else the
        /// launch price of a card launched this year or last, flagged MSRP; null when nothing is known.
        /// </summary>
        public PriceEvidence? Evidence(GpuSpec card, DateTime now) => PriceSelection.Choose(this, _catalog, card, now);

        /// <summary>The choice among one condition's observations (new or used), or null when there are none.</summary>
        public PriceEvidence? Evidence(GpuSpec card, string condition, DateTime now) => PriceSelection.ChooseFor(this, _catalog, card,
            EnumText.Parse<PriceCondition>(condition, nameof(condition)), now);

        public IEnumerable<CardPrice> For(GpuSpec card) => Prices.Where(p => string.Equals(p.Card, card.Name,
            StringComparison.OrdinalIgnoreCase));

        /// <summary>Whole months between a yyyy-MM(-dd) date and now; null when the date cannot be read.</summary>
        public static int? AgeInMonths(string? priceDate, DateTime now)
        {
            if (!TryParseDate(priceDate, out DateTime seen)) return null;
            return (now.Year - seen.Year) * 12 + now.Month - seen.Month;
        }

        internal static bool TryParseDate(string? text, out DateTime date) =>
            DateTime.TryParseExact(text ?? string.Empty, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

        private static string Key(CardPrice p) => p.Card + "|" + p.Condition + "|" + p.Gpus.ToString(CultureInfo.InvariantCulture);

        private static PriceTable ReadBuiltIn()
        {
            using (Stream stream = CardCatalog.Resource("card-prices.csv"))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                return new PriceTable(FromTable(CsvTable.Parse(copy.ToArray(), CardCatalog.BuiltInOrigin, Schema), CardCatalog.BuiltIn,
                    null), CardCatalog.BuiltIn);
            }
        }

        /// <summary>
        /// The prices of a table, every fault of every row recorded. <paramref name="today"/> (null for the built-in
        /// table, checked when it is written) refuses prices seen after it: a future date would never look stale.
        /// </summary>
        internal static List<CardPrice> FromTable(UserTable table, CardCatalog catalog, DateTime? today)
        {
            table.ThrowIfFaults(); // a wrong header or undecodable text: one fault each, not one a row
            var prices = new List<CardPrice>();
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            // a table repeats its cards
            var cards = new Dictionary<string, (GpuSpec? Spec, string? Problem)>(StringComparer.OrdinalIgnoreCase);
            foreach (var (line, fields) in table.Rows)
            {
                var row = new TableRow(table, line, fields);
                row.Name = row.Raw("card");
                string? card = row.Required("card", "the card is empty");
                GpuSpec? spec = null;
                if (card != null && !row.Failed("card"))
                {
                    if (!cards.TryGetValue(card, out var known))
                    {
                        GpuSpec? found = catalog.Cards.FirstOrDefault(c => string.Equals(c.Name, card,
                            StringComparison.OrdinalIgnoreCase)) ?? catalog.Resolve(card);
                        known = (found, found == null ? NotACard(catalog, card) : null);
                        cards[card] = known;
                    }

                    spec = known.Spec;
                    if (known.Problem != null) row.Fault("card", known.Problem);
                }

                // The table's own text (a user's -PriceTable too), kept as written on the row; checked here against the two
                // market conditions a table may hold (PriceCondition's launch is ours, for a card with no row).
                string? condition = row.Required("condition", $"{row.Header("condition")} is empty (new or used)")?.ToLowerInvariant();
                if (condition != null && condition != "new" && condition != "used") row.Fault("condition",
                    $"{row.Header("condition")} '{TableText.Shown(condition)}' is not new or used");
                PriceKind kind = ReadKind(row);
                bool derived = ReadDerived(row);
                int gpus = row.Integer("gpus") ?? 1;
                if (gpus < 1 || gpus > 72) row.Fault("gpus", string.Format(CultureInfo.InvariantCulture,
                    "{0} {1} is outside 1..72 (GPUs the price buys: 1 for a card, 8 for an HGX server)", row.Header("gpus"), gpus));
                double? price = row.Number("price_usd");
                if (price == null && !row.Failed("price_usd")) row.Fault("price_usd", $"{row.Header("price_usd")} is empty");
                double most = 500000.0 * Math.Max(1, gpus);
                if (price is double usd && (usd < 10 || usd > most))
                    row.Fault("price_usd", string.Format(CultureInfo.InvariantCulture, "{0} {1} is outside 10..{2} (USD for {3})",
                        row.Header("price_usd"), usd, most, gpus == 1 ? "one card" : gpus + " GPUs"));
                string? date = row.Required("price_date", $"{row.Header("price_date")} is empty (yyyy-MM or yyyy-MM-dd)");
                if (date != null && !row.Failed("price_date"))
                {
                    if (!TryParseDate(date, out DateTime seenOn)) row.Fault("price_date",
                        $"{row.Header("price_date")} '{TableText.Shown(date)}' is not yyyy-MM or yyyy-MM-dd");
                    else if (today is DateTime now && IsAfter(date, seenOn, now))
                        row.Fault("price_date", string.Format(CultureInfo.InvariantCulture,
                            "{0} {1} is in the future (today is {2:yyyy-MM-dd}): a price not yet seen would hide the warning that it is "
                                + "old", row.Header("price_date"), date, now));
                }

                string? provider = row.Text("provider");
                string? source = row.Required("source", "no source");
                string? notes = row.Text("notes", singleLine: false);
                if (spec != null && condition != null && price != null)
                {
                    // Several observations of a card are evidence; the same one twice would count double.
                    string key = string.Join("|", spec.Name, condition, date, price.Value.ToString("R", CultureInfo.InvariantCulture),
                        provider, gpus.ToString(CultureInfo.InvariantCulture));
                    if (seen.TryGetValue(key, out int first)) row.Fault(null,
                        $"the same observation as line {first} (card, condition, price, date, provider)");
                    else seen[key] = line;
                }

                if (spec == null || condition == null || price == null || row.HasFaults) continue;
                var entry = new CardPrice
                {
                    Card = spec.Name,
                    Condition = condition,
                    PriceUsd = price.Value,
                    PriceDate = date,
                    Provider = provider,
                    Kind = kind,
                    Derived = derived,
                    Gpus = gpus,
                    Source = source,
                    Notes = notes,
                    Origin = table.Origin,
                };
                prices.Add(entry);
            }

            table.ThrowIfFaults();
            return prices;
        }

        /// <summary>The kind column: sold, asking, average, estimate or msrp; empty reads as asking (a listing or a shop's
        /// price).</summary>
        private static PriceKind ReadKind(TableRow row)
        {
            string? text = row.Text("kind");
            if (text == null) return PriceKind.Asking;
            foreach (PriceKind kind in (PriceKind[])Enum.GetValues(typeof(PriceKind)))
                if (string.Equals(kind.ToString(), text, StringComparison.OrdinalIgnoreCase)) return kind;
            row.Fault("kind", $"{row.Header("kind")} '{TableText.Shown(text)}' is not sold, asking, average, estimate or msrp");
            return PriceKind.Asking;
        }

        /// <summary>The derived column: yes/true when the price was worked out from another figure, empty or no/false otherwise.</summary>
        private static bool ReadDerived(TableRow row)
        {
            string? text = row.Text("derived");
            if (text == null) return false;
            switch (text.ToLowerInvariant())
            {
                case "yes":
                case "true":
                    return true;
                case "no":
                case "false":
                    return false;
                default:
                    row.Fault("derived", $"{row.Header("derived")} '{TableText.Shown(text)}' is not yes or no");
                    return false;
            }
        }

        private static string NotACard(CardCatalog catalog, string card)
        {
            CardLookup lookup = catalog.Find(card);
            string shown = TableText.Shown(card);
            if (lookup.Matches.Count > 1)
            {
                string names = string.Join("; ", lookup.Matches.Take(5).Select(c => c.Name))
                    + (lookup.Matches.Count > 5 ? "; ..." : string.Empty);
                return $"'{shown}' is {lookup.Matches.Count} cards of the card table ({names}): use the exact name of one";
            }

            return $"'{shown}' is not a card of the card table (use its exact name, as Get-GpuSpec shows it" + (lookup.Closest.Count > 0
                ? "; closest: " + string.Join("; ", lookup.Closest.Take(3)) : string.Empty) + ")";
        }

        // A month is in the future only after it ends; a day is allowed one day ahead (the user's time zone against ours).
        private static bool IsAfter(string text, DateTime seen, DateTime now) =>
            text.Length == 7 ? seen > new DateTime(now.Year, now.Month, 1) : seen.Date > now.Date.AddDays(1);
    }
}
