using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Trim quotes, match, and quote results that contain spaces. A word with wildcards matches as a
    /// pattern; a plain word matches names that start with it first, then names that contain it ('4090',
    /// 'H1'), so partial model numbers complete without the vendor words in front.
    /// </summary>
    internal static class Completion
    {
        private static readonly char[] CharactersNeedingQuotes = { ' ', '\'', '$', '`', '(', ')' };

        public static IEnumerable<CompletionResult> Match(IEnumerable<string> candidates, string wordToComplete)
        {
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            IEnumerable<string> matches;
            if (WildcardPattern.ContainsWildcardCharacters(word))
            {
                var pattern = new WildcardPattern(word, WildcardOptions.IgnoreCase);
                matches = candidates.Where(c => pattern.IsMatch(c)).OrderBy(c => c, StringComparer.OrdinalIgnoreCase);
            }
            else
            {
                var list = candidates.ToList();
                var prefix = list.Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(c => c, StringComparer.OrdinalIgnoreCase).ToList();
                var inside = list.Where(c => !c.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                    && c.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                    .OrderBy(c => c, StringComparer.OrdinalIgnoreCase);
                matches = prefix.Concat(inside);
            }

            return Results(matches);
        }

        /// <summary>Completion results for names already matched and ordered, quoted where PowerShell needs it.</summary>
        public static IEnumerable<CompletionResult> Results(IEnumerable<string> matches)
        {
            foreach (string candidate in matches)
            {
                string text = candidate.IndexOfAny(CharactersNeedingQuotes) >= 0 ? "'" + candidate.Replace("'", "''") + "'" : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, candidate);
            }
        }
    }
}
