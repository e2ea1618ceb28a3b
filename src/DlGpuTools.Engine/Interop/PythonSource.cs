using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Values read out of the small Python files that frameworks write at build time (torch/version.py, tensorflow's
    /// build_info.py) by scanning each line once. These files sit in folders anyone may write to, so the scan must stay
    /// linear in the text: the regular expressions this replaces backtracked (`cuda\s*(?::[^=]*)?=` ran to the end of
    /// the file from every "cuda", so 2 MB of "cuda:" took 20 s), and netstandard2.0 has no non-backtracking engine.
    /// </summary>
    internal static class PythonSource
    {
        /// <summary>
        /// The string assigned to <paramref name="name"/> at the start of a line, with or without an annotation:
        /// <c>__version__ = '2.5.1+cu124'</c>, <c>cuda: Optional[str] = '12.4'</c>. Null when the name is not assigned
        /// a non-empty string literal (<c>cuda: Optional[str] = None</c> in a CPU build).
        /// </summary>
        public static string? Assignment(string text, string name)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            for (int start = 0; start < text.Length;)
            {
                int end = LineEnd(text, start);
                string? value = AssignmentOnLine(text, start, end, name);
                if (value != null) return value;
                start = end + 1;
            }

            return null;
        }

        /// <summary>
        /// The string literal after <c>'key':</c> in a dict literal (<c>'cuda_version': '12.3'</c>); an empty literal
        /// gives an empty string. Null when the key is absent or its value is not a string.
        /// </summary>
        public static string? DictString(string text, string key)
        {
            int value = DictValue(text, key);
            return value < 0 ? null : Quoted(text, value, LineEnd(text, value), allowEmpty: true);
        }

        /// <summary>The bare word after <c>'key':</c> (<c>True</c>, <c>False</c>, <c>None</c>), or null.</summary>
        public static string? DictWord(string text, string key)
        {
            int start = DictValue(text, key);
            if (start < 0) return null;
            int end = start;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
            return end > start ? text.Substring(start, end - start) : null;
        }

        // Where the value of the first 'key': starts; -1 when no occurrence is followed by a colon. Each occurrence is
        // looked at once and the blanks after it are skipped once, so the whole search reads the text once.
        private static int DictValue(string text, string key)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            string quoted = "'" + key + "'";
            for (int at = text.IndexOf(quoted, StringComparison.Ordinal); at >= 0; at = text.IndexOf(quoted, at + quoted.Length,
                StringComparison.Ordinal))
            {
                int i = SkipSpace(text, at + quoted.Length, text.Length);
                if (i < text.Length && text[i] == ':') return SkipSpace(text, i + 1, text.Length);
            }

            return -1;
        }

        private static string? AssignmentOnLine(string text, int i, int end, string name)
        {
            i = SkipSpace(text, i, end);
            if (end - i < name.Length || string.CompareOrdinal(text, i, name, 0, name.Length) != 0) return null;
            i = SkipSpace(text, i + name.Length, end);
            if (i < end && text[i] == ':')
            {
                // An annotation runs to the '='; "cuda_version" or "cuda.x" never get here (no blank, ':' or '=' follows "cuda").
                i = text.IndexOf('=', i, end - i);
                if (i < 0) return null;
            }

            if (i >= end || text[i] != '=' || (i + 1 < end && text[i + 1] == '=')) return null;
            return Quoted(text, SkipSpace(text, i + 1, end), end, allowEmpty: false);
        }

        // A one-line string literal in single or double quotes starting at i (no escapes: version strings have none).
        private static string? Quoted(string text, int i, int end, bool allowEmpty)
        {
            if (i >= end || (text[i] != '\'' && text[i] != '"')) return null;
            int close = text.IndexOf(text[i], i + 1, end - i - 1);
            if (close < 0 || (close == i + 1 && !allowEmpty)) return null;
            return text.Substring(i + 1, close - i - 1);
        }

        private static int LineEnd(string text, int start)
        {
            int end = text.IndexOf('\n', start);
            return end < 0 ? text.Length : end;
        }

        private static int SkipSpace(string text, int i, int end)
        {
            while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) i++;
            return i;
        }
    }
}
