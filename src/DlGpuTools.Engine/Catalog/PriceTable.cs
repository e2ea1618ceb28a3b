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
            string origin = Path.GetFullPath(userTablePath);
            List<CardPrice> user = FromRows(CsvTable.ReadFile(origin, "price table"), origin, catalog);
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
            using (var reader = new StreamReader(CardCatalog.Resource("card-prices.csv"), Encoding.UTF8))
                return new PriceTable(FromRows(CsvTable.Read(reader), CardCatalog.BuiltInOrigin, CardCatalog.BuiltIn));
        }

        internal static List<CardPrice> FromRows(List<(int Line, Dictionary<string, string> Fields)> rows, string origin, CardCatalog catalog)
        {
            var prices = new List<CardPrice>();
            var problems = new List<string>();
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var (line, f) in rows)
            {
                try
                {
                    string card = CardCatalog.Text(f, "card") ?? throw new FormatException("the card is empty");
                    GpuSpec? spec = catalog.Cards.FirstOrDefault(c => string.Equals(c.Name, card, StringComparison.OrdinalIgnoreCase)) ?? catalog.Resolve(card);
                    if (spec == null) throw new FormatException($"'{card}' is not a card of the card table (use its exact name, as Get-GpuSpec shows it)");
                    var price = new CardPrice
                    {
                        Card = spec.Name,
                        Condition = (CardCatalog.Text(f, "condition") ?? string.Empty).ToLowerInvariant(),
                        PriceUsd = CardCatalog.Number(f, "price_usd") ?? throw new FormatException("price_usd is empty"),
                        PriceDate = CardCatalog.Text(f, "price_date"),
                        Provider = CardCatalog.Text(f, "provider"),
                        Source = CardCatalog.Text(f, "source"),
                        Notes = CardCatalog.Text(f, "notes"),
                        Origin = origin,
                    };
                    if (price.Condition != "new" && price.Condition != "used") problems.Add($"line {line} ({card}): condition '{price.Condition}' is not new or used");
                    if (price.PriceUsd < 10 || price.PriceUsd > 500000) problems.Add($"line {line} ({card}): price_usd {price.PriceUsd} is outside 10..500000 (USD for one card)");
                    if (!TryParseDate(price.PriceDate, out _)) problems.Add($"line {line} ({card}): price_date '{price.PriceDate}' is not yyyy-MM or yyyy-MM-dd");
                    if (Strings.IsNullOrWhiteSpace(price.Source)) problems.Add($"line {line} ({card}): no source");
                    if (seen.TryGetValue(Key(price), out int first)) problems.Add($"line {line} ({card}): a second {price.Condition} price (first on line {first}); keep one row per card and condition");
                    else seen[Key(price)] = line;
                    prices.Add(price);
                }
                catch (FormatException e)
                {
                    problems.Add($"line {line}: {e.Message}");
                }
            }

            if (problems.Count > 0) throw new CardTableException(origin, problems, "price table");
            return prices;
        }
    }
}
