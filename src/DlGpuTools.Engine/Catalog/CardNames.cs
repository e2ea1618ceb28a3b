using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// How people type card names: any order, with or without vendor words, spaces or the memory size
    /// ('h100 pcie 80gb', 'rtx4090', '1080ti'). A name becomes a set of tokens, split where letters meet
    /// digits, plus an optional memory size; a card matches when it carries every token of the query.
    /// </summary>
    internal sealed class CardNameKey
    {
        // Words that say who made the card or which product family, not which card it is.
        private static readonly HashSet<string> Noise = new HashSet<string>(StringComparer.Ordinal)
        {
            "nvidia", "geforce", "tesla", "quadro", "amd", "radeon", "graphics", "gpu", "generation", "edition", "founders", "card",
        };

        // Family words that are not counted as "extra" when a query leaves them out ('3090' means the RTX 3090).
        private static readonly HashSet<string> Family = new HashSet<string>(StringComparer.Ordinal) { "rtx", "gtx", "rx" };

        private static readonly Regex Memory = new Regex(@"(\d+)\s*gb\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex Runs = new Regex(@"[a-z]+|\d+", RegexOptions.CultureInvariant);

        private CardNameKey(HashSet<string> tokens, double? memoryGB)
        {
            Tokens = tokens;
            MemoryGB = memoryGB;
        }

        public HashSet<string> Tokens { get; }

        public double? MemoryGB { get; }

        public static CardNameKey Parse(string name)
        {
            string lower = (name ?? string.Empty).ToLowerInvariant();
            double? memory = null;
            Match m = Memory.Match(lower);
            if (m.Success)
            {
                memory = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                lower = Memory.Replace(lower, " ");
            }

            var tokens = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match run in Runs.Matches(lower))
            {
                if (!Noise.Contains(run.Value)) tokens.Add(run.Value);
            }

            return new CardNameKey(tokens, memory);
        }

        /// <summary>
        /// Tokens of a card name beyond the query's. Family words count only when the query has no model
        /// number: '3090' means the RTX 3090, but 'titan' does not mean the Titan RTX.
        /// </summary>
        public int ExtrasBeyond(CardNameKey query)
        {
            bool modelNumber = query.Tokens.Any(t => char.IsDigit(t[0]));
            return Tokens.Count(t => !query.Tokens.Contains(t) && !(modelNumber && Family.Contains(t)));
        }

        /// <summary>Letters and digits only, lower case, noise words removed: the key for edit distance.</summary>
        public static string Compact(string name)
        {
            var sb = new StringBuilder();
            foreach (Match run in Runs.Matches((name ?? string.Empty).ToLowerInvariant()))
            {
                if (!Noise.Contains(run.Value)) sb.Append(run.Value);
            }

            return sb.ToString();
        }

        /// <summary>Levenshtein distance, for "did you mean" suggestions.</summary>
        public static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                var swap = previous;
                previous = current;
                current = swap;
            }

            return previous[b.Length];
        }
    }

    /// <summary>What a name matched: one card, several (an ambiguous name), or none with the closest names.</summary>
    public sealed class CardLookup
    {
        public CardLookup(string query, IReadOnlyList<GpuSpec> matches, IReadOnlyList<string> closest)
        {
            Query = query;
            Matches = matches;
            Closest = closest;
        }

        public string Query { get; }

        public IReadOnlyList<GpuSpec> Matches { get; }

        /// <summary>When nothing matched: the table's names nearest to the query, nearest first.</summary>
        public IReadOnlyList<string> Closest { get; }

        public bool IsUnique => Matches.Count == 1;

        public GpuSpec? Card => Matches.Count == 1 ? Matches[0] : null;
    }
}
