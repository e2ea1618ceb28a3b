using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// The card table: the built-in one (embedded gpu-cards.csv) with an optional user table laid over it
    /// (a user row replaces the built-in row of the same name, or adds a card). Lookups by name accept the
    /// table's names, the names the driver reports, and loose spellings ("rtx 4090", "4090").
    /// </summary>
    public sealed class CardCatalog
    {
        public const string BuiltInOrigin = "built-in";
        private static readonly Lazy<CardCatalog> BuiltInCatalog = new Lazy<CardCatalog>(()
            => new CardCatalog(ReadEmbedded("gpu-cards.csv", BuiltInOrigin)));
        private static readonly Lazy<IReadOnlyList<CloudOffer>> BuiltInOffers = new Lazy<IReadOnlyList<CloudOffer>>(ReadOffers);

        private readonly Lazy<List<CardKeys>> _keys;

        private CardCatalog(IReadOnlyList<GpuSpec> cards)
        {
            Cards = cards;
            _keys = new Lazy<List<CardKeys>>(() => cards.Select(c => new CardKeys(c)).ToList());
        }

        public IReadOnlyList<GpuSpec> Cards { get; }

        public static CardCatalog BuiltIn => BuiltInCatalog.Value;

        /// <summary>Rentable options from the built-in cloud-offers.csv, each with its date and the provider page or write-up it was read
        /// from.</summary>
        public static IReadOnlyList<CloudOffer> CloudOffers => BuiltInOffers.Value;

        /// <summary>The columns of a card table, in the order the built-in table and Get-GpuSpec | Export-Csv use.</summary>
        public static readonly string[] Columns =
        {
            "name", "aliases", "vendor", "architecture", "compute_capability", "memory_gb", "memory_type", "bandwidth_gbs", "fp32_tflops",
            "fp16_tensor_tflops_dense", "bf16_tensor_tflops_dense", "tf32_tensor_tflops_dense", "fp64_tflops", "fp64_tensor_tflops",
            "fp8_tensor_tflops_dense", "tdp_w", "launch_year", "launch_msrp_usd", "segment", "source", "notes",
            "interconnect", "peer_to_peer", "form_factor", "platform", "usable_memory_gb", "node_gpus", "node_power_w",
        };

        /// <summary>The built-in table, or the built-in table with a user's CSV (same columns) laid over it.</summary>
        public static CardCatalog Load(string? userTablePath)
        {
            if (Strings.IsNullOrEmpty(userTablePath)) return BuiltIn;
            string origin = FullPath(userTablePath, Schema.What);
            List<GpuSpec> user = FromTable(CsvTable.ReadFile(origin, Schema));
            var merged = BuiltIn.Cards.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
            var order = BuiltIn.Cards.Select(c => c.Name).ToList();
            foreach (GpuSpec card in user)
            {
                if (!merged.ContainsKey(card.Name)) order.Add(card.Name);
                merged[card.Name] = card;
            }

            return new CardCatalog(order.Select(n => merged[n]).ToList());
        }

        /// <summary>
        /// Cards a wildcard pattern (*, ?, [a-c]) matches, case-insensitively: against the name, a driver name or the
        /// name without vendor words, each whole or from after its leading vendor and family words ('4090*',
        /// 'RTX 40*', 'NVIDIA GeForce RTX 409?').
        /// </summary>
        public IEnumerable<GpuSpec> FindByPattern(string pattern)
        {
            Regex regex = CardPattern.ToRegex(pattern.Trim());
            return Cards.Where(c => Names(c).SelectMany(CardPattern.Forms).Any(regex.IsMatch));
        }

        private static IEnumerable<string> Names(GpuSpec card) => new[] { card.Name, ShortName(card.Name) }.Concat(card.DeviceNames);

        private static readonly Regex VendorPrefix = new Regex(@"^((NVIDIA|GeForce|Tesla|AMD|Radeon)\s+)+",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The name without its vendor and brand words: 'RTX 4090', 'H100 SXM5 80GB'.</summary>
        public static string ShortName(string name) => VendorPrefix.Replace(name ?? string.Empty, string.Empty).Replace(" Generation",
            string.Empty).Replace("RTX PRO 6000 Blackwell", "RTX PRO 6000");

        /// <summary>
        /// Every card a name can mean; the one rule behind Get-GpuSpec, -CurrentGpu, price rows and (with the last
        /// word read as a start, see <see cref="Complete"/>) Tab. An exact table or driver name wins; else a name with
        /// wildcards is a pattern (<see cref="FindByPattern"/>); else the cards carrying every token of the name (any
        /// order; spaces optional; '80GB' or a bare '80' after the model is the memory size), narrowed by the vendor
        /// and brand words that some of them carry ('GeForce' alone is every GeForce card) - and of those, the ones
        /// with no other distinguishing word, when there are any ('RTX 3090' is the 3090, not the 3090 Ti).
        /// Where one driver name covers several memory variants, <paramref name="deviceMemoryGiB"/> (what the
        /// device reports) picks the variant. When nothing matches, <see cref="CardLookup.Closest"/> names
        /// the nearest cards: those sharing most words with the name, then by spelling.
        /// </summary>
        public CardLookup Find(string name, double? deviceMemoryGiB = null)
        {
            if (Strings.IsNullOrWhiteSpace(name)) return new CardLookup(name, Array.Empty<GpuSpec>(), Array.Empty<string>());
            string trimmed = name.Trim();
            List<GpuSpec> matches = Cards.Where(c => string.Equals(c.Name, trimmed, StringComparison.OrdinalIgnoreCase)
                                                     || c.DeviceNames.Any(d => string.Equals(d, trimmed,
                                                         StringComparison.OrdinalIgnoreCase))).ToList();
            bool pattern = matches.Count == 0 && CardPattern.HasWildcards(trimmed);
            if (pattern) matches = FindByPattern(trimmed).ToList();
            else if (matches.Count == 0) matches = Preferred(CardNameKey.Parse(trimmed), Candidates(CardNameKey.Parse(trimmed)));
            if (!pattern && matches.Count > 1 && deviceMemoryGiB is double memory)
            {
                double nearest = matches.Min(c => Math.Abs(c.MemoryGB - memory));
                matches = matches.Where(c => Math.Abs(c.MemoryGB - memory) == nearest).ToList();
            }

            IReadOnlyList<string> closest = matches.Count == 0 ? Closest(pattern ? Regex.Replace(trimmed, @"[*?\[\]`]", " ") : trimmed,
                5) : Array.Empty<string>();
            return new CardLookup(trimmed, matches, closest);
        }

        /// <summary>
        /// What Tab offers for a word being typed: every card <see cref="Find"/> gives for it, every card the word
        /// could still become (its last word read as the start of a word: 'rtx 409', 'Rad'), and every card whose
        /// name starts with it ('NVIDIA A100 80G'); a word with wildcards offers what the pattern matches. Names
        /// starting with the word come first, then the rest, each alphabetically.
        /// </summary>
        public IReadOnlyList<GpuSpec> Complete(string word)
        {
            string trimmed = (word ?? string.Empty).Trim();
            if (trimmed.Length == 0) return Cards.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
            var found = new HashSet<GpuSpec>(Find(trimmed).Matches);
            if (!CardPattern.HasWildcards(trimmed))
            {
                found.UnionWith(Candidates(CardNameKey.Parse(trimmed)));
                found.UnionWith(Candidates(CardNameKey.Parse(trimmed, lastIsPrefix: true)));
                found.UnionWith(FindByPattern(CardPattern.Escape(trimmed) + "*"));
            }

            return Cards.Where(found.Contains)
                .OrderBy(c => c.Name.StartsWith(trimmed, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }

        /// <summary>
        /// The card a name means, or null when none matches or several cards do ('A100'). A driver name
        /// shared by memory variants ('NVIDIA GeForce RTX 3060') gives the table's first variant; pass the
        /// device's memory to choose.
        /// </summary>
        public GpuSpec? Resolve(string name) => Resolve(name, null);

        public GpuSpec? Resolve(string name, double? deviceMemoryGiB)
        {
            CardLookup lookup = Find(name, deviceMemoryGiB);
            if (lookup.IsUnique) return lookup.Card;
            if (lookup.Matches.Count > 1 && deviceMemoryGiB == null && SameDriverName(lookup.Query,
                lookup.Matches)) return lookup.Matches[0];
            return null;
        }

        private static bool SameDriverName(string name, IReadOnlyList<GpuSpec> cards) =>
            cards.All(c => c.DeviceNames.Any(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase)));

        /// <summary>
        /// The cards carrying every token of <paramref name="query"/> (and its memory size, and a word starting with its
        /// partial last word), narrowed by each vendor or brand word that some of them carry. A query of vendor words
        /// alone must narrow: 'Radeon' is the Radeon cards, 'graphics' is none.
        /// </summary>
        private List<GpuSpec> Candidates(CardNameKey query)
        {
            if (query.IsEmpty) return new List<GpuSpec>();
            List<CardKeys> candidates = _keys.Value.Where(k => k.Carries(query)).ToList();
            bool narrowed = false;
            foreach (string soft in query.Soft.OrderBy(w => w, StringComparer.Ordinal))
            {
                List<CardKeys> carrying = candidates.Where(k => k.Words.Contains(soft)).ToList();
                if (carrying.Count == 0) continue;
                candidates = carrying;
                narrowed = true;
            }

            if (!narrowed && query.Tokens.Count == 0 && query.MemoryGB == null && query.Partial == null) return new List<GpuSpec>();
            return candidates.Select(k => k.Card).ToList();
        }

        /// <summary>Of several candidates, those with no distinguishing word beyond the query's, when there are any.</summary>
        private static List<GpuSpec> Preferred(CardNameKey query, List<GpuSpec> candidates)
        {
            if (candidates.Count <= 1 || query.Tokens.Count == 0) return candidates;
            var plain = candidates.Where(c => CardNameKey.Parse(c.Name).ExtrasBeyond(query) == 0).ToList();
            return plain.Count > 0 ? plain : candidates;
        }

        private List<string> Closest(string name, int count)
        {
            CardNameKey query = CardNameKey.Parse(name);
            string key = CardNameKey.Compact(name);
            return _keys.Value
                .Select(k => (k.Card.Name, Shared: k.Shared(query), Distance: Math.Min(CardNameKey.Distance(key,
                    CardNameKey.Compact(k.Card.Name)),
                                                          k.Card.DeviceNames.Select(d => CardNameKey.Distance(key,
                                                              CardNameKey.Compact(d))).DefaultIfEmpty(int.MaxValue).Min())))
                .OrderByDescending(c => c.Shared)
                .ThenBy(c => c.Distance)
                .ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .Take(count)
                .Select(c => c.Name)
                .ToList();
        }

        /// <summary>A card's name keys, parsed once: its own, its driver names', and every word of them.</summary>
        private sealed class CardKeys
        {
            private readonly List<CardNameKey> _names;

            public CardKeys(GpuSpec card)
            {
                Card = card;
                _names = new[] { card.Name }.Concat(card.DeviceNames).Select(n => CardNameKey.Parse(n)).ToList();
                Words = new HashSet<string>(new[] { card.Name,
                    card.Vendor ?? string.Empty }.Concat(card.DeviceNames).SelectMany(CardNameKey.Words), StringComparer.Ordinal);
                Memory = Math.Round(card.MemoryGB).ToString(CultureInfo.InvariantCulture);
            }

            public GpuSpec Card { get; }

            /// <summary>Every word of the name, driver names and vendor, vendor words and memory sizes included.</summary>
            public HashSet<string> Words { get; }

            private string Memory { get; }

            public bool Carries(CardNameKey query)
            {
                if (query.MemoryGB is double gb && Math.Abs(Card.MemoryGB - gb) > 0.5) return false;
                if (query.Partial is string partial && !Memory.StartsWith(partial,
                    StringComparison.Ordinal) && !Words.Any(w => w.StartsWith(partial, StringComparison.Ordinal))) return false;
                return _names.Any(n => query.Tokens.All(t => Has(n, t)));
            }

            /// <summary>How many of the query's words this card carries, for ranking the closest names.</summary>
            public int Shared(CardNameKey query) =>
                query.Tokens.Count(t => _names.Any(n => Has(n,
                    t))) + query.Soft.Count(Words.Contains) + (query.MemoryGB is double gb && Math.Abs(Card.MemoryGB - gb) <= 0.5 ? 1 : 0);

            // A bare number the name lacks may be the memory size: 'A100 80' is an A100 with 80 GB.
            private bool Has(CardNameKey name, string token) => name.Tokens.Contains(token) || (char.IsDigit(token[0]) && token == Memory);
        }

        /// <summary>What a card table's header may and must name; Get-GpuSpec | Export-Csv's property names read as the columns, so the
        /// export is a template.</summary>
        internal static readonly TableSchema Schema = new TableSchema(
            "card table",
            Columns,
            new[] { "name", "architecture", "compute_capability", "memory_gb", "segment", "source" },
            new Dictionary<string, string>
            {
                ["MemoryBandwidthGBps"] = "bandwidth_gbs", ["Fp16TensorTflops"] = "fp16_tensor_tflops_dense",
                    ["Bf16TensorTflops"] = "bf16_tensor_tflops_dense",
                ["Tf32TensorTflops"] = "tf32_tensor_tflops_dense", ["Fp8TensorTflops"] = "fp8_tensor_tflops_dense",
                    ["LaunchPriceUsd"] = "launch_msrp_usd",
            },
            new[] { "DeviceNames", "IsCudaCapable", "Origin" });

        private static readonly Regex ComputeCapabilityText = new Regex(@"^\d{1,2}\.\d{1,2}$", RegexOptions.CultureInvariant);

        /// <summary>The full path of a user's table, or a fault when it is not a path at all.</summary>
        internal static string FullPath(string path, string what)
        {
            try
            {
                return Path.GetFullPath(path);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException
                || e is System.Security.SecurityException)
            {
                throw CardTableException.OfFile(path, what, CardTableProblem.NotAFile,
                    $"The {what} file '{TableText.Shown(path)}' is not a usable path: {e.Message}", e);
            }
        }

        internal static List<GpuSpec> Parse(byte[] bytes, string origin)
        {
            UserTable table = CsvTable.Parse(bytes, origin, Schema);
            return FromTable(table);
        }

        private static List<GpuSpec> FromTable(UserTable table)
        {
            table.ThrowIfFaults(); // a wrong header or undecodable text: one fault each, not one a row
            var cards = new List<GpuSpec>();
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var (line, fields) in table.Rows)
            {
                var row = new TableRow(table, line, fields);
                GpuSpec? card = FromRow(row, table.Origin);
                if (card == null) continue;
                if (seen.TryGetValue(card.Name, out int first)) row.Fault("name", $"the same name as line {first}");
                else seen[card.Name] = line;
                foreach (var (column, problem) in CardValidation.Check(card, row.Header))
                {
                    if (column == null || !row.Failed(column)) row.Fault(column, problem);
                }

                if (!row.HasFaults) cards.Add(card);
            }

            table.ThrowIfFaults();
            return cards;
        }

        /// <summary>The card a row describes, every bad value recorded as a fault of the row; null without a name.</summary>
        private static GpuSpec? FromRow(TableRow row, string origin)
        {
            row.Name = row.Raw("name");
            string? name = row.Text("name");
            if (name == null) row.Fault("name", "the name is empty");
            else if (!row.Failed("name") && !string.Equals(ShortName(name), name,
                StringComparison.Ordinal) && TableText.Problem(row.Header("name"), ShortName(name), true) is string shortProblem)
                row.Fault("name", $"{shortProblem} (Get-GpuRecommendation shows the name without its vendor word, "
                    + $"'{TableText.Shown(ShortName(name))}')");
            string vendor = row.Text("vendor") ?? "NVIDIA";
            string? cc = row.Text("compute_capability");
            bool cuda = cc != null && ComputeCapabilityText.IsMatch(cc);
            if (cc != null && !cuda && !string.Equals(cc, "non-CUDA", StringComparison.OrdinalIgnoreCase))
                row.Fault("compute_capability",
                    $"{row.Header("compute_capability")} '{TableText.Shown(cc)}' is not major.minor (such as 8.6), nor non-CUDA");
            var deviceNames = new List<string>();
            foreach (string alias in (row.Text("aliases") ?? string.Empty).Split(';').Select(a => a.Trim()).Where(a => a.Length > 0))
            {
                if (TableText.Problem(row.Header("aliases"), alias,
                    true) is string aliasProblem && !row.Failed("aliases")) row.Fault("aliases", aliasProblem);
                deviceNames.Add(alias);
            }

            // The driver prefixes NVIDIA to every name it reports ("NVIDIA GeForce RTX 4090", "NVIDIA RTX A6000").
            if (name != null && vendor == "NVIDIA" && !name.StartsWith("NVIDIA ",
                StringComparison.Ordinal)) deviceNames.Add("NVIDIA " + name);
            double? memory = row.Number("memory_gb");
            if (memory == null && !row.Failed("memory_gb")) row.Fault("memory_gb", $"{row.Header("memory_gb")} is empty");
            var card = new GpuSpec
            {
                Name = name ?? string.Empty,
                DeviceNames = deviceNames.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                Vendor = vendor,
                Architecture = row.Text("architecture"),
                ComputeCapability = cuda ? cc : null,
                IsCudaCapable = cuda,
                MemoryGB = memory ?? 0,
                MemoryType = row.Text("memory_type"),
                MemoryBandwidthGBps = row.Number("bandwidth_gbs"),
                Fp32Tflops = row.Number("fp32_tflops"),
                Fp16TensorTflops = row.Number("fp16_tensor_tflops_dense"),
                Bf16TensorTflops = row.Number("bf16_tensor_tflops_dense"),
                Tf32TensorTflops = row.Number("tf32_tensor_tflops_dense"),
                Fp64Tflops = row.Number("fp64_tflops"),
                Fp64TensorTflops = row.Number("fp64_tensor_tflops"),
                Fp8TensorTflops = row.Number("fp8_tensor_tflops_dense"),
                TdpW = row.Integer("tdp_w"),
                LaunchYear = row.Integer("launch_year"),
                LaunchPriceUsd = row.Number("launch_msrp_usd"),
                Segment = row.Text("segment"),
                Source = row.Text("source", singleLine: false),
                Notes = row.Text("notes", singleLine: false),
                Origin = origin,
            };
            CardKindColumns.Read(row, card);
            return name == null ? null : card;
        }

        internal static string? Text(Dictionary<string, string> f, string column) =>
            f.TryGetValue(column, out string v) && !Strings.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        internal static double? Number(Dictionary<string, string> f, string column)
        {
            string? text = Text(f, column);
            if (text == null) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                out double value) && !double.IsNaN(value) && !double.IsInfinity(value)) return value;
            throw new FormatException($"{column} '{text}' is not a finite number");
        }

        internal static Stream Resource(string file)
        {
            Stream stream = typeof(CardCatalog).GetTypeInfo().Assembly.GetManifestResourceStream("DlGpuTools.Catalog." + file);
            return stream ?? throw new InvalidOperationException($"The built-in {file} is missing from the assembly.");
        }

        private static List<GpuSpec> ReadEmbedded(string file, string origin)
        {
            using (Stream stream = Resource(file))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                return Parse(copy.ToArray(), origin);
            }
        }

        private static List<CloudOffer> ReadOffers()
        {
            using (var reader = new StreamReader(Resource("cloud-offers.csv"), Encoding.UTF8))
            {
                return CsvTable.Read(reader).Select(r => new CloudOffer
                {
                    Provider = Text(r.Fields, "provider"),
                    Offer = Text(r.Fields, "offer"),
                    Kind = Text(r.Fields, "kind"),
                    Card = Text(r.Fields, "card"),
                    Gpus = (int)(Number(r.Fields, "gpus") ?? 1),
                    UsdPerGpuHour = Number(r.Fields, "usd_per_gpu_hour") ?? 0,
                    PriceDate = Text(r.Fields, "price_date"),
                    Reliability = Text(r.Fields, "reliability"),
                    Source = Text(r.Fields, "source"),
                    Notes = Text(r.Fields, "notes"),
                }).ToList();
            }
        }
    }
}
