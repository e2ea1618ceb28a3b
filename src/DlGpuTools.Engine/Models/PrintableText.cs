using System.Globalization;
using System.Text;

namespace DlGpuTools
{
    /// <summary>
    /// Text that other users control (process names, command lines) made safe to print on an admin's terminal.
    /// On a shared node any user can start a process whose name or arguments hold ESC sequences, which a terminal
    /// obeys when Watch-Gpu or a table prints them: retitle the window, clear the screen, fake lines. So every
    /// control character becomes visible: tab, newline and carriage return a space (one line per process, so the
    /// table keeps its columns), other C0 controls and DEL in caret notation (ESC is ^[, BEL ^G, as cat -v shows
    /// them), C1 controls and the bidirectional overrides that reorder what a terminal shows as \uXXXX.
    /// </summary>
    public static class PrintableText
    {
        /// <summary><paramref name="text"/> with every control character made visible; null stays null.</summary>
        public static string? Of(string? text)
        {
            if (text == null) return null;
            StringBuilder? safe = null;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                string? replacement = Replacement(c);
                if (replacement == null)
                {
                    safe?.Append(c);
                    continue;
                }

                if (safe == null) safe = new StringBuilder(text, 0, i, text.Length + 8);
                safe.Append(replacement);
            }

            return safe == null ? text : safe.ToString();
        }

        /// <summary>Whether <see cref="Of"/> would replace <paramref name="c"/>: a control character, tab and newline included.</summary>
        public static bool IsControl(char c) => Replacement(c) != null;

        private static string? Replacement(char c)
        {
            if (c == '\t' || c == '\n' || c == '\r') return " ";
            if (c < 0x20) return "^" + (char)(c + 0x40);
            if (c == 0x7F) return "^?";
            bool c1 = c >= 0x80 && c <= 0x9F;
            bool bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
            return c1 || bidi ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : null;
        }
    }
}
