using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using DlGpuTools.Catalog;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Every figure the engine ships names a source a user can open: a URL, or a publication's title and date.
    /// Internal provenance (our own research notes, index ids, "same" as the row above) never reaches users.
    /// </summary>
    public class SourceTests
    {
        private static readonly Regex Url = new Regex(@"https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", RegexOptions.CultureInvariant);

        // "Title, 2026-09-09", "Title, September 2026", "Title, 2020": a publication a reader can look up.
        private static readonly Regex TitleAndDate = new Regex(
            @"^\S.*\S, (\d{4}-\d{2}(-\d{2})?"
                + @"|(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}|\d{4})\b",
            RegexOptions.CultureInvariant);

        // What a user cannot open: our reference folder and its files, search-index ids, unnamed repositories and
        // files, elided paths, bare repository names without a link, and "same" pointing at another row.
        private static readonly (Regex Pattern, string Why)[] Forbidden =
        {
            (new Regex(@"shared[ /]reference", RegexOptions.IgnoreCase), "names our reference folder"),
            (new Regex(@"\b(cuda-compat|cloud|expert-model|advice-review|cards-notes)\.md\b|\b(prices|cards)\.csv\b",
                RegexOptions.IgnoreCase), "names a file of our reference folder"),
            (new Regex(@"file id|read_file", RegexOptions.IgnoreCase), "cites a search-index id"),
            (new Regex(@"unknown GitHub|curated (file|snapshot)", RegexOptions.IgnoreCase), "cites an unnamed file"),
            (new Regex(@"\.\.\.|…"), "elides part of a path"),
            (new Regex(@"(?<!://(www\.)?)\bgithub\.com/", RegexOptions.IgnoreCase), "names a repository without a link"),
            (new Regex(@"(^|\|\s*)same\b|\bsame \(", RegexOptions.IgnoreCase), "points at another row"),
        };

        private static readonly string[] KnownTables =
        {
            "DlGpuTools.Catalog.gpu-cards.csv", "DlGpuTools.Catalog.card-prices.csv", "DlGpuTools.Catalog.cloud-offers.csv",
            "DlGpuTools.Compat.cuda-min-driver.csv", "DlGpuTools.Compat.cuda-minor-compat.csv", "DlGpuTools.Compat.compute-capability.csv",
            "DlGpuTools.Compat.pytorch-arch.csv",
        };

        /// <summary>Why a source string is unacceptable, or null when every " | "-separated part can be opened.</summary>
        internal static string? Problem(string? source)
        {
            if (string.IsNullOrWhiteSpace(source)) return "no source";
            foreach (var (pattern, why) in Forbidden)
                if (pattern.IsMatch(source!)) return why;
            foreach (string part in source!.Split(new[] { " | " }, StringSplitOptions.None))
                if (!Url.IsMatch(part) && !TitleAndDate.IsMatch(part.Trim()))
                    return $"'{part.Trim()}' is neither a URL nor a publication title and date";
            return null;
        }

        [Fact]
        public void Every_source_in_the_embedded_tables_is_a_url_or_a_dated_publication()
        {
            Assembly engine = typeof(CardCatalog).GetTypeInfo().Assembly;
            string[] tables = engine.GetManifestResourceNames().Where(n => n.EndsWith(".csv", StringComparison.Ordinal))
                .OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Subset(new HashSet<string>(tables), new HashSet<string>(KnownTables));

            var problems = new List<string>();
            int checkedSources = 0;
            foreach (string table in tables)
            {
                using (var reader = new StreamReader(engine.GetManifestResourceStream(table)!, Encoding.UTF8))
                {
                    foreach (var (line, fields) in CsvTable.Read(reader))
                    {
                        if (!fields.TryGetValue("source", out string? source)) continue;
                        checkedSources++;
                        string? problem = Problem(source);
                        if (problem != null) problems.Add($"{table} line {line}: {problem}: {source}");
                    }
                }
            }

            Assert.True(checkedSources > 150, $"only {checkedSources} sources read");
            Assert.True(problems.Count == 0, $"{problems.Count} source(s) a user cannot open:{Environment.NewLine}"
                + string.Join(Environment.NewLine, problems));
        }

        [Theory]
        [InlineData("https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html")]
        [InlineData("https://example.org/a (note) | https://example.org/b")]
        [InlineData("Tim Dettmers, Which GPU(s) to Get for Deep Learning, 2023-01-30")]
        [InlineData("NVIDIA launch announcement, September 2020")]
        public void Accepts_urls_and_dated_publications(string source) => Assert.Null(Problem(source));

        [Theory]
        [InlineData("CUDA Toolkit Release Notes via shared reference cuda-compat.md 3.1")]
        [InlineData("GitHub pricing-validation doc (read_file id 53844774877)")]
        [InlineData("curated snapshot file (unknown GitHub repo; read_file id 62500833642)")]
        [InlineData("same (read_file id 70850588069)")]
        [InlineData("Same table: 12.x needs >= 525")]
        [InlineData("https://gpupoet.com/x (repo activescott/gpu-agent ... page.tsx)")]
        [InlineData("Lambda's price page as read on 2026-09-09 by github.com/DS436/sanskrit-token")]
        [InlineData("https://aws.amazon.com/ec2/instance-types/g5/ | NVIDIA Ampere Architecture In-Depth, Table 3")]
        [InlineData("used market")]
        [InlineData("")]
        public void Rejects_internal_vague_or_undated_provenance(string source) => Assert.NotNull(Problem(source));

        /// <summary>
        /// Memory variants of one card: the name without its memory size ('NVIDIA A100 PCIe' for the 40 and 80 GB cards).
        /// </summary>
        private static string Family(string name) => Regex.Replace(Regex.Replace(name, @"\b\d+\s?GB\b", " "), @"\s+", " ").Trim();

        /// <summary>Pairs where a smaller-memory variant costs more than a larger one of the same card in the same condition.</summary>
        internal static List<string> VariantInversions(IEnumerable<CardPrice> prices, CardCatalog catalog)
        {
            var found = new List<string>();
            var rows = prices.Select(p => (Price: p, Spec: catalog.Card(p.Card!))).ToList();
            foreach (var group in rows.GroupBy(r => Family(r.Spec.Name) + "|" + r.Price.Condition))
                foreach (var small in group)
                    foreach (var large in group)
                        if (small.Spec.MemoryGB < large.Spec.MemoryGB && small.Price.PriceUsd > large.Price.PriceUsd)
                            found.Add($"{small.Spec.Name} ({small.Price.Condition}, ${small.Price.PriceUsd:N0}, {small.Price.PriceDate}) "
                                + $"is priced above {large.Spec.Name} (${large.Price.PriceUsd:N0}, {large.Price.PriceDate})");
            return found;
        }

        [Fact]
        public void No_built_in_price_puts_a_smaller_memory_variant_above_a_larger_one()
        {
            List<string> inversions = VariantInversions(PriceTable.BuiltIn.Prices, CardCatalog.BuiltIn);
            Assert.True(inversions.Count == 0, string.Join(Environment.NewLine, inversions));
        }

        [Fact]
        public void The_variant_check_sees_an_inversion_and_ignores_different_conditions()
        {
            CardPrice Price(string card, string condition, double usd) =>
                new CardPrice { Card = card, Condition = condition, PriceUsd = usd, PriceDate = "2026-09", Source = "https://example.org" };
            var inverted = new[] { Price("NVIDIA A100 40GB PCIe", "used", 12600), Price("NVIDIA A100 80GB PCIe", "used", 8000) };
            Assert.Single(VariantInversions(inverted, CardCatalog.BuiltIn));
            var mixed = new[] { Price("GeForce RTX 4060 Ti 8GB", "new", 500), Price("GeForce RTX 4060 Ti 16GB", "used", 320),
                Price("NVIDIA H100 PCIe", "used", 1000) };
            Assert.Empty(VariantInversions(mixed, CardCatalog.BuiltIn));
        }
    }
}
