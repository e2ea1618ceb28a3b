using System.Collections.Generic;
using System.Text;

namespace DlGpuTools
{
    /// <summary>
    /// Breaks text into lines of at most a given width at spaces and, inside a word wider than a line, after a
    /// '/', ';' or ',' (a path after each folder), so a wrapped table cell never splits a number, a version or
    /// a unit the way PowerShell's own wrapping does: it cuts at the column edge ("5" then "06 ms"). Format
    /// views call it for their long text columns.
    /// </summary>
    public static class TextWrap
    {
        public static string Wrap(string text, int width)
        {
            if (Strings.IsNullOrEmpty(text) || width < 8 || text.Length <= width) return text;
            var lines = new List<string>();
            var line = new StringBuilder();
            foreach (string word in text.Split(' '))
            {
                bool firstPiece = true;
                foreach (string piece in Pieces(word, width))
                {
                    // The first piece of a word follows a space; the rest continue the word with none.
                    int gap = line.Length > 0 && firstPiece ? 1 : 0;
                    if (line.Length > 0 && line.Length + gap + piece.Length > width)
                    {
                        lines.Add(line.ToString());
                        line.Clear();
                        gap = 0;
                    }

                    if (gap == 1) line.Append(' ');
                    line.Append(piece);
                    firstPiece = false;
                }
            }

            if (line.Length > 0) lines.Add(line.ToString());
            return string.Join("\n", lines);
        }

        // A word that fits is one piece; a longer one is cut after its separators. A piece still wider than a
        // line (no separator in it) stays whole, and the table cuts it at the edge as before.
        private static IEnumerable<string> Pieces(string word, int width)
        {
            if (word.Length <= width) return new[] { word };
            var pieces = new List<string>();
            int start = 0;
            for (int i = 0; i < word.Length - 1; i++)
            {
                char c = word[i];
                if (c == '/' || c == ';' || c == ',')
                {
                    pieces.Add(word.Substring(start, i + 1 - start));
                    start = i + 1;
                }
            }

            pieces.Add(word.Substring(start));
            return pieces;
        }
    }
}
