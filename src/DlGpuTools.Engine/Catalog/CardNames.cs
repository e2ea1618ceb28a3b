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
    /// ('h100 pcie 80gb', 'rtx4090', '1080ti', 'A100 80'). A name becomes a set of tokens, split where letters meet
    /// digits, plus an optional memory size; a card matches when it carries every token of the query. Vendor and
    /// brand words ('NVIDIA', 'GeForce', 'Radeon') are soft: they narrow the cards when some carry them, and alone
    /// they name the family.
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
        private static readonly Regex LastRun = new Regex(@"([a-z]+|\d+)$", RegexOptions.CultureInvariant);

        private CardNameKey(HashSet<string> tokens, HashSet<string> soft, double? memoryGB, string? partial)
        {
            Tokens = tokens;
            Soft = soft;
            MemoryGB = memoryGB;
            Partial = partial;
        }

        /// <summary>The words that name the card: its model number, suffixes, form factor.</summary>
        public HashSet<string> Tokens { get; }

        /// <summary>Vendor and brand words the name has ('nvidia', 'geforce').</summary>
        public HashSet<string> Soft { get; }

        public double? MemoryGB { get; }

        /// <summary>The last word of a name still being typed (Tab), matched as the start of a word; null otherwise.</summary>
        public string? Partial { get; }

        public bool IsEmpty => Tokens.Count == 0 && Soft.Count == 0 && MemoryGB == null && Partial == null;

        /// <param name="name">The name.</param>
        /// <param name="lastIsPrefix">Read the last word as the start of a word (a name being completed).</param>
        public static CardNameKey Parse(string name, bool lastIsPrefix = false)
        {
            string lower = (name ?? string.Empty).ToLowerInvariant();
            string? partial = null;
            Match last = lastIsPrefix ? LastRun.Match(lower) : Match.Empty;
            if (last.Success)
            {
                partial = last.Value;
                lower = lower.Substring(0, last.Index);
            }

            double? memory = null;
            Match m = Memory.Match(lower);
            if (m.Success)
            {
                memory = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                lower = Memory.Replace(lower, " ");
            }

            var tokens = new HashSet<string>(StringComparer.Ordinal);
            var soft = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match run in Runs.Matches(lower))
            {
                if (Noise.Contains(run.Value)) soft.Add(run.Value);
                else tokens.Add(run.Value);
            }

            return new CardNameKey(tokens, soft, memory, partial);
        }

        /// <summary>Every word of a text, lower case, vendor words and memory sizes included ('nvidia', 'a', '100', '80', 'gb').</summary>
        public static IEnumerable<string> Words(string text)
        {
            foreach (Match run in Runs.Matches((text ?? string.Empty).ToLowerInvariant())) yield return run.Value;
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

        /// <summary>Letters and digits only, lower case, vendor words removed: the key for edit distance.</summary>
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

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// PowerShell's wildcards over card names: * and ? and [a-c], a backtick escaping the next character, matched
    /// whole and case-insensitively against the name or against what follows its leading vendor and family words
    /// ('4090*' is the GeForce RTX 4090, 'MI300*' the AMD Instinct MI300X), never from inside a word.
    /// </summary>
    internal static class CardPattern
    {
        private static readonly char[] Wildcards = { '*', '?', '[' };

        // Words a pattern may leave out at the start of a name: who made it and which family.
        private static readonly HashSet<string> LeadingWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "nvidia", "geforce", "tesla", "quadro", "amd", "radeon", "instinct", "rtx", "gtx", "rx",
        };

        /// <summary>Whether a name holds a wildcard that is not escaped with a backtick (as
        /// WildcardPattern.ContainsWildcardCharacters).</summary>
        public static bool HasWildcards(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '`') i++;
                else if (Array.IndexOf(Wildcards, text[i]) >= 0) return true;
            }

            return false;
        }

        /// <summary>The text with its wildcard characters escaped, to match it literally.</summary>
        public static string Escape(string text)
        {
            var sb = new StringBuilder(text.Length + 4);
            foreach (char c in text)
            {
                if (c == '*' || c == '?' || c == '[' || c == ']' || c == '`') sb.Append('`');
                sb.Append(c);
            }

            return sb.ToString();
        }

        /// <summary>The pattern as an anchored, case-insensitive regular expression.</summary>
        public static Regex ToRegex(string pattern)
        {
            var sb = new StringBuilder("^");
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '`' && i + 1 < pattern.Length)
                {
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                }
                else if (c == '*')
                {
                    sb.Append(".*");
                }
                else if (c == '?')
                {
                    sb.Append('.');
                }
                else if (c == '[' && pattern.IndexOf(']', i + 1) > i + 1)
                {
                    int close = pattern.IndexOf(']', i + 1);
                    sb.Append('[');
                    foreach (char member in pattern.Substring(i + 1, close - i - 1))
                    {
                        if (member == '\\' || member == '^' || member == '[') sb.Append('\\');
                        sb.Append(member);
                    }

                    sb.Append(']');
                    i = close;
                }
                else
                {
                    sb.Append(Regex.Escape(c.ToString()));
                }
            }

            try
            {
                return new Regex(sb.Append('$').ToString(),
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
            }
            catch (ArgumentException)
            {
                // A range the regex engine refuses ('[z-a]'): the pattern matches itself, literally.
                return new Regex("^" + Regex.Escape(pattern) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            }
        }

        /// <summary>The name and what follows each of its leading vendor and family words: 'GeForce RTX 4090', 'RTX 4090',
        /// '4090'.</summary>
        public static IEnumerable<string> Forms(string name)
        {
            string rest = name.Trim();
            yield return rest;
            while (true)
            {
                int space = rest.IndexOf(' ');
                if (space <= 0 || !LeadingWords.Contains(rest.Substring(0, space))) yield break;
                rest = rest.Substring(space + 1).TrimStart();
                if (rest.Length == 0) yield break;
                yield return rest;
            }
        }
    }
}
