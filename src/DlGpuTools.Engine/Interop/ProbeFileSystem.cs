using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The file-system questions that probing asks (does this file or folder exist, which sub-folders match a
    /// pattern), behind delegates so candidate lists can be tested against a described Windows, Linux or WSL
    /// folder tree. Nothing here loads or opens a library.
    /// </summary>
    internal sealed class ProbeFileSystem
    {
        private static readonly char[] WildcardCharacters = { '*', '?' };

        public ProbeFileSystem(Func<string, bool> fileExists, Func<string, bool> directoryExists, Func<string, string,
            IEnumerable<string>> listDirectories)
        {
            FileExists = fileExists ?? throw new ArgumentNullException(nameof(fileExists));
            DirectoryExists = directoryExists ?? throw new ArgumentNullException(nameof(directoryExists));
            ListDirectories = listDirectories ?? throw new ArgumentNullException(nameof(listDirectories));
        }

        /// <summary>The real file system; unreadable folders count as empty.</summary>
        public static readonly ProbeFileSystem Real = new ProbeFileSystem(File.Exists, Directory.Exists, RealDirectories);

        public Func<string, bool> FileExists { get; }

        public Func<string, bool> DirectoryExists { get; }

        /// <summary>Full paths of the sub-folders of a folder whose names match a wildcard pattern ('*' and '?').</summary>
        public Func<string, string, IEnumerable<string>> ListDirectories { get; }

        /// <summary>
        /// Expands a path whose segments may hold wildcards ('/usr/local/cuda-*/lib64') into the folders that
        /// exist, in ordinal order of each segment. A path without wildcards comes back when it exists.
        /// </summary>
        public IEnumerable<string> Expand(string pattern, char separator)
        {
            string[] parts = pattern.Split(separator);
            IEnumerable<string> current = new[] { parts[0].Length == 0 ? separator.ToString() : parts[0] };
            for (int i = 1; i < parts.Length; i++)
            {
                string part = parts[i];
                if (part.Length == 0) continue;
                current = part.IndexOfAny(WildcardCharacters) >= 0
                    ? current.SelectMany(folder => ListDirectories(folder, part).OrderBy(p => p, StringComparer.Ordinal)).ToList()
                    : current.Select(folder => Join(folder, part, separator)).ToList();
            }

            return current.Where(DirectoryExists).ToList();
        }

        internal static string Join(string folder, string name, char separator) =>
            folder.Length > 0 && folder[folder.Length - 1] == separator ? folder + name : folder + separator + name;

        private static string[] RealDirectories(string root, string pattern)
        {
            try
            {
                return Directory.Exists(root) ? Directory.GetDirectories(root, pattern) : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }
    }
}
