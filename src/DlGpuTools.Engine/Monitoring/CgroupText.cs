using System;
using System.Collections.Generic;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The cgroup paths of a /proc/&lt;pid&gt;/cgroup text ("hierarchy-id:controllers:path" per line; cgroup v2 has the
    /// one line "0::path"), each split into its folder names. Another user's process controls where it sits in its
    /// own delegated cgroup tree, so the text is read with fixed bounds (lines, line length, folders per path) and
    /// plain string scans, never a backtracking pattern.
    /// </summary>
    internal static class CgroupText
    {
        /// <summary>The most text read from a cgroup file; a real one holds a line per hierarchy, a few KiB at most.</summary>
        public const int MaxBytes = 64 * 1024;

        private const int MaxLines = 64;
        private const int MaxLineLength = 4096;
        private const int MaxFolders = 64;
        private static readonly char[] Slash = { '/' };

        /// <summary>Each line's path as folder names, outermost first; malformed or oversized lines are skipped.</summary>
        public static IEnumerable<string[]> Paths(string? text)
        {
            if (Strings.IsNullOrEmpty(text)) yield break;
            int start = 0;
            for (int line = 0; line < MaxLines && start < text.Length; line++)
            {
                int end = text.IndexOf('\n', start);
                if (end < 0) end = text.Length;
                int length = end - start;
                if (length > 0 && length <= MaxLineLength)
                {
                    string[]? folders = Folders(text.Substring(start, length));
                    if (folders != null) yield return folders;
                }

                start = end + 1;
            }
        }

        private static string[]? Folders(string line)
        {
            int first = line.IndexOf(':');
            int second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0) return null;
            string[] folders = line.Substring(second + 1).Split(Slash, StringSplitOptions.RemoveEmptyEntries);
            return folders.Length <= MaxFolders ? folders : null;
        }

        /// <summary>
        /// Whether <paramref name="text"/> has exactly <paramref name="count"/> characters from <paramref name="start"/>, all lowercase
        /// hex.
        /// </summary>
        public static bool IsHex(string text, int start, int count)
        {
            if (start < 0 || text.Length - start != count) return false;
            for (int i = start; i < text.Length; i++)
            {
                char c = text[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }

            return true;
        }

        /// <summary>
        /// The part of <paramref name="folder"/> between <paramref name="prefix"/> and <paramref name="suffix"/>, or null.
        /// </summary>
        public static string? Between(string folder, string prefix, string suffix)
        {
            if (folder.Length <= prefix.Length + suffix.Length) return null;
            if (!folder.StartsWith(prefix, StringComparison.Ordinal) || !folder.EndsWith(suffix, StringComparison.Ordinal)) return null;
            return folder.Substring(prefix.Length, folder.Length - prefix.Length - suffix.Length);
        }

        /// <summary>Whether <paramref name="text"/> is 1 to <paramref name="max"/> ASCII digits.</summary>
        public static bool IsDigits(string text, int max)
        {
            if (text.Length == 0 || text.Length > max) return false;
            foreach (char c in text)
            {
                if (c < '0' || c > '9') return false;
            }

            return true;
        }
    }
}
