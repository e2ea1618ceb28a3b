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
        private static readonly Lazy<CardCatalog> BuiltInCatalog = new Lazy<CardCatalog>(() => new CardCatalog(ReadEmbedded("gpu-cards.csv", BuiltInOrigin)));
        private static readonly Lazy<IReadOnlyList<CloudOffer>> BuiltInOffers = new Lazy<IReadOnlyList<CloudOffer>>(ReadOffers);

        private CardCatalog(IReadOnlyList<GpuSpec> cards)
        {
            Cards = cards;
        }

        public IReadOnlyList<GpuSpec> Cards { get; }

        public static CardCatalog BuiltIn => BuiltInCatalog.Value;

        /// <summary>Rentable options from the built-in price list (shared reference cloud.md), each with its date.</summary>
        public static IReadOnlyList<CloudOffer> CloudOffers => BuiltInOffers.Value;

        /// <summary>The built-in table, or the built-in table with a user's CSV (same columns) laid over it.</summary>
        public static CardCatalog Load(string userTablePath)
        {
            if (string.IsNullOrEmpty(userTablePath)) return BuiltIn;
            List<GpuSpec> user;
            using (var reader = new StreamReader(userTablePath, Encoding.UTF8)) user = Parse(reader, Path.GetFullPath(userTablePath));
            var merged = BuiltIn.Cards.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
            foreach (GpuSpec card in user) merged[card.Name] = card;
            return new CardCatalog(merged.Values.ToList());
        }

        /// <summary>Cards whose name or driver name matches a wildcard pattern (*, ?), case-insensitively.</summary>
        public IEnumerable<GpuSpec> FindByPattern(string pattern)
        {
            var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            return Cards.Where(c => regex.IsMatch(c.Name) || c.DeviceNames.Any(regex.IsMatch));
        }

        /// <summary>
        /// The card a name means: the table's name or a driver-reported name exactly, else the one card whose
        /// name matches once vendor and brand words, spaces and punctuation are ignored. Null when none or
        /// several match (an ambiguous "3060" matches nothing rather than the wrong card).
        /// </summary>
        public GpuSpec Resolve(string name)
        {
            if (string.IsNullOrWhiteSpace(name)) return null;
            string trimmed = name.Trim();
            GpuSpec exact = Cards.FirstOrDefault(c => string.Equals(c.Name, trimmed, StringComparison.OrdinalIgnoreCase)
                                                      || c.DeviceNames.Any(d => string.Equals(d, trimmed, StringComparison.OrdinalIgnoreCase)));
            if (exact != null) return exact;
            string key = Normalize(trimmed);
            if (key.Length == 0) return null;
            var loose = Cards.Where(c => Normalize(c.Name) == key || c.DeviceNames.Any(d => Normalize(d) == key)).ToList();
            if (loose.Count == 1) return loose[0];
            // "RTX 4090" against "GeForce RTX 4090": accept a unique card whose key ends with the input's key.
            var suffix = Cards.Where(c => Normalize(c.Name).EndsWith(key, StringComparison.Ordinal) || c.DeviceNames.Any(d => Normalize(d).EndsWith(key, StringComparison.Ordinal))).ToList();
            return suffix.Count == 1 ? suffix[0] : null;
        }

        private static readonly Regex NoiseWords = new Regex(@"\b(nvidia|geforce|tesla|amd|radeon|graphics|gpu)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        internal static string Normalize(string name)
        {
            string s = NoiseWords.Replace(name, " ");
            var sb = new StringBuilder(s.Length);
            foreach (char ch in s) if (char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            return sb.ToString();
        }

        internal static List<GpuSpec> Parse(TextReader reader, string origin)
        {
            var cards = new List<GpuSpec>();
            var problems = new List<string>();
            foreach (var (line, f) in CsvTable.Read(reader))
            {
                try
                {
                    GpuSpec card = FromFields(f, origin);
                    foreach (string problem in CardValidation.Check(card)) problems.Add($"line {line} ({card.Name}): {problem}");
                    cards.Add(card);
                }
                catch (FormatException e)
                {
                    problems.Add($"line {line}: {e.Message}");
                }
            }

            if (problems.Count > 0) throw new CardTableException(origin, problems);
            return cards;
        }

        private static GpuSpec FromFields(Dictionary<string, string> f, string origin)
        {
            string name = Text(f, "name") ?? throw new FormatException("the name is empty");
            string vendor = Text(f, "vendor") ?? "NVIDIA";
            string cc = Text(f, "compute_capability");
            bool cuda = cc != null && Regex.IsMatch(cc, @"^\d+\.\d+$");
            var deviceNames = new List<string>();
            foreach (string alias in (Text(f, "aliases") ?? string.Empty).Split(';').Select(a => a.Trim()).Where(a => a.Length > 0)) deviceNames.Add(alias);
            // The driver prefixes NVIDIA to every name it reports ("NVIDIA GeForce RTX 4090", "NVIDIA RTX A6000").
            if (vendor == "NVIDIA" && !name.StartsWith("NVIDIA ", StringComparison.Ordinal)) deviceNames.Add("NVIDIA " + name);
            return new GpuSpec
            {
                Name = name,
                DeviceNames = deviceNames.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                Vendor = vendor,
                Architecture = Text(f, "architecture"),
                ComputeCapability = cuda ? cc : null,
                IsCudaCapable = cuda,
                MemoryGB = Number(f, "memory_gb") ?? throw new FormatException("memory_gb is empty"),
                MemoryType = Text(f, "memory_type"),
                MemoryBandwidthGBps = Number(f, "bandwidth_gbs"),
                Fp32Tflops = Number(f, "fp32_tflops"),
                Fp16TensorTflops = Number(f, "fp16_tensor_tflops_dense"),
                Bf16TensorTflops = Number(f, "bf16_tensor_tflops_dense"),
                Tf32TensorTflops = Number(f, "tf32_tensor_tflops_dense"),
                Fp64Tflops = Number(f, "fp64_tflops"),
                Fp64TensorTflops = Number(f, "fp64_tensor_tflops"),
                Fp8TensorTflops = Number(f, "fp8_tensor_tflops_dense"),
                TdpW = (int?)Number(f, "tdp_w"),
                LaunchYear = (int?)Number(f, "launch_year"),
                LaunchPriceUsd = Number(f, "launch_msrp_usd"),
                Segment = Text(f, "segment"),
                Source = Text(f, "source"),
                Notes = Text(f, "notes"),
                Origin = origin,
            };
        }

        private static string Text(Dictionary<string, string> f, string column) =>
            f.TryGetValue(column, out string v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        private static double? Number(Dictionary<string, string> f, string column)
        {
            string text = Text(f, column);
            if (text == null) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
            throw new FormatException($"{column} '{text}' is not a number");
        }

        private static Stream Resource(string file)
        {
            Stream stream = typeof(CardCatalog).GetTypeInfo().Assembly.GetManifestResourceStream("DlGpuTools.Catalog." + file);
            return stream ?? throw new InvalidOperationException($"The built-in {file} is missing from the assembly.");
        }

        private static List<GpuSpec> ReadEmbedded(string file, string origin)
        {
            using (var reader = new StreamReader(Resource(file), Encoding.UTF8)) return Parse(reader, origin);
        }

        private static IReadOnlyList<CloudOffer> ReadOffers()
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

    /// <summary>A card table with rows that fail the sanity checks; lists every problem with its line.</summary>
    public sealed class CardTableException : Exception
    {
        public CardTableException(string origin, IReadOnlyList<string> problems)
            : base($"The card table {origin} has {problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
        {
            Origin = origin;
            Problems = problems;
        }

        public string Origin { get; }

        public IReadOnlyList<string> Problems { get; }
    }
}
