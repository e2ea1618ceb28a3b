using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// Dated street (new) and used prices, kept apart from the card specifications because they change
    /// monthly: the built-in card-prices.csv (each row with provider, month and a source a user can open: a
    /// URL or a dated publication) with an optional user table laid over it, row by row (same card and condition).
    /// </summary>
    public sealed class PriceTable
    {
        private static readonly string[] DateFormats = { "yyyy-MM", "yyyy-MM-dd" };

        public static readonly string[] Columns = { "card", "condition", "price_usd", "price_date", "provider", "source", "notes" };

        /// <summary>What a price table's header may and must name; Export-Csv's PascalCase (PriceUsd, PriceDate) reads as the columns.</summary>
        internal static readonly TableSchema Schema = new TableSchema("price table", Columns, new[] { "card", "condition", "price_usd", "price_date", "source" }, null, new[] { "Origin" });

        /// <summary>Prices older than this many months are flagged: 2026 street prices moved 20-40% a month.</summary>
        public const int StaleAfterMonths = 6;

        private static readonly Lazy<PriceTable> BuiltInTable = new Lazy<PriceTable>(ReadBuiltIn);

        private PriceTable(IReadOnlyList<CardPrice> prices)
        {
            Prices = prices;
        }

        public IReadOnlyList<CardPrice> Prices { get; }

        public static PriceTable BuiltIn => BuiltInTable.Value;

        /// <summary>The built-in prices with a user's file laid over them; every card it names must be in <paramref name="catalog"/>.</summary>
        public static PriceTable Load(string? userTablePath, CardCatalog catalog)
        {
            if (Strings.IsNullOrEmpty(userTablePath)) return BuiltIn;
            string origin = CardCatalog.FullPath(userTablePath, Schema.What);
            List<CardPrice> user = FromTable(CsvTable.ReadFile(origin, Schema), catalog, DateTime.Now);
            var merged = BuiltIn.Prices.ToDictionary(Key, StringComparer.OrdinalIgnoreCase);
            foreach (CardPrice price in user) merged[Key(price)] = price;
            return new PriceTable(merged.Values.ToList());
        }

        /// <summary>The price a buyer pays for a card today: the cheaper of its new and used prices, or null when neither is known.</summary>
        public CardPrice? BestFor(GpuSpec card) =>
            Prices.Where(p => string.Equals(p.Card, card.Name, StringComparison.OrdinalIgnoreCase)).OrderBy(p => p.PriceUsd).FirstOrDefault();

        public IEnumerable<CardPrice> For(GpuSpec card) => Prices.Where(p => string.Equals(p.Card, card.Name, StringComparison.OrdinalIgnoreCase));

        /// <summary>Whole months between a yyyy-MM(-dd) date and now; null when the date cannot be read.</summary>
        public static int? AgeInMonths(string? priceDate, DateTime now)
        {
            if (!TryParseDate(priceDate, out DateTime seen)) return null;
            return (now.Year - seen.Year) * 12 + now.Month - seen.Month;
        }

        internal static bool TryParseDate(string? text, out DateTime date) =>
            DateTime.TryParseExact(text ?? string.Empty, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

        private static string Key(CardPrice p) => p.Card + "|" + p.Condition;

        private static PriceTable ReadBuiltIn()
        {
            using (Stream stream = CardCatalog.Resource("card-prices.csv"))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                return new PriceTable(FromTable(CsvTable.Parse(copy.ToArray(), CardCatalog.BuiltInOrigin, Schema), CardCatalog.BuiltIn, null));
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
            var cards = new Dictionary<string, (GpuSpec? Spec, string? Problem)>(StringComparer.OrdinalIgnoreCase); // a table repeats its cards
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
                        GpuSpec? found = catalog.Cards.FirstOrDefault(c => string.Equals(c.Name, card, StringComparison.OrdinalIgnoreCase)) ?? catalog.Resolve(card);
                        known = (found, found == null ? NotACard(catalog, card) : null);
                        cards[card] = known;
                    }

                    spec = known.Spec;
                    if (known.Problem != null) row.Fault("card", known.Problem);
                }

                string? condition = row.Required("condition", $"{row.Header("condition")} is empty (new or used)")?.ToLowerInvariant();
                if (condition != null && condition != "new" && condition != "used") row.Fault("condition", $"{row.Header("condition")} '{TableText.Shown(condition)}' is not new or used");
                double? price = row.Number("price_usd");
                if (price == null && !row.Failed("price_usd")) row.Fault("price_usd", $"{row.Header("price_usd")} is empty");
                if (price is double usd && (usd < 10 || usd > 500000)) row.Fault("price_usd", string.Format(CultureInfo.InvariantCulture, "{0} {1} is outside 10..500000 (USD for one card)", row.Header("price_usd"), usd));
                string? date = row.Required("price_date", $"{row.Header("price_date")} is empty (yyyy-MM or yyyy-MM-dd)");
                if (date != null && !row.Failed("price_date"))
                {
                    if (!TryParseDate(date, out DateTime seenOn)) row.Fault("price_date", $"{row.Header("price_date")} '{TableText.Shown(date)}' is not yyyy-MM or yyyy-MM-dd");
                    else if (today is DateTime now && IsAfter(date, seenOn, now))
                        row.Fault("price_date", string.Format(CultureInfo.InvariantCulture, "{0} {1} is in the future (today is {2:yyyy-MM-dd}): a price not yet seen would hide the warning that it is old", row.Header("price_date"), date, now));
                }

                string? provider = row.Text("provider");
                string? source = row.Required("source", "no source");
                string? notes = row.Text("notes", singleLine: false);
                if (spec != null && condition != null)
                {
                    string key = spec.Name + "|" + condition;
                    if (seen.TryGetValue(key, out int first)) row.Fault(null, $"a second {condition} price (first on line {first}); keep one row per card and condition");
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
                    Source = source,
                    Notes = notes,
                    Origin = table.Origin,
                };
                prices.Add(entry);
            }

            table.ThrowIfFaults();
            return prices;
        }

        private static string NotACard(CardCatalog catalog, string card)
        {
            CardLookup lookup = catalog.Find(card);
            string shown = TableText.Shown(card);
            if (lookup.Matches.Count > 1)
                return $"'{shown}' is {lookup.Matches.Count} cards of the card table ({string.Join("; ", lookup.Matches.Take(5).Select(c => c.Name))}{(lookup.Matches.Count > 5 ? "; ..." : string.Empty)}): use the exact name of one";
            return $"'{shown}' is not a card of the card table (use its exact name, as Get-GpuSpec shows it" + (lookup.Closest.Count > 0 ? "; closest: " + string.Join("; ", lookup.Closest.Take(3)) : string.Empty) + ")";
        }

        // A month is in the future only after it ends; a day is allowed one day ahead (the user's time zone against ours).
        private static bool IsAfter(string text, DateTime seen, DateTime now) =>
            text.Length == 7 ? seen > new DateTime(now.Year, now.Month, 1) : seen.Date > now.Date.AddDays(1);
    }
}
