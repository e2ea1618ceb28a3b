using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Finds the file a bare soname (libcuda.so.1) names, in the order glibc's dlopen searches: LD_LIBRARY_PATH,
    /// the ld.so cache (/etc/ld.so.cache, what ldconfig built from /etc/ld.so.conf), then the default folders. The
    /// module hands dlopen only the absolute path found here, so a library is loaded from exactly the file that was
    /// inspected, and never from the current directory: empty LD_LIBRARY_PATH entries (which the loader reads as
    /// '.') and relative ones are skipped, and <see cref="ProbeEnvironment.SearchPathWarnings"/> tells the user.
    /// </summary>
    internal static class LinuxLibrarySearch
    {
        private static readonly string[] DefaultFolders64 = { "/lib64", "/usr/lib64", "/lib", "/usr/lib" };

        /// <summary>The absolute file a bare name resolves to; null when no searched folder holds it.</summary>
        public static string? Resolve(string name, string? ldLibraryPath, bool arm64) =>
            Resolve(name, ldLibraryPath, arm64, LdSoCache.Default, ConfFolders);

        /// <summary>As <see cref="Resolve(string, string, bool)"/>, with the cache and the ld.so.conf folders given (tests).</summary>
        public static string? Resolve(string name, string? ldLibraryPath, bool arm64, LdSoCache? cache,
            Func<IEnumerable<string>> confFolders)
        {
            if (Strings.IsNullOrEmpty(name) || name.IndexOf('/') >= 0)
                throw new ArgumentException("A bare library name is needed, not a path.", nameof(name));
            foreach (string folder in (ldLibraryPath ?? string.Empty).Split(':').Where(e => e.StartsWith("/", StringComparison.Ordinal)))
            {
                string candidate = folder.TrimEnd('/') + "/" + name;
                if (IsFile(candidate)) return candidate;
            }

            if (cache != null)
            {
                foreach (string path in cache.Lookup(name, arm64))
                {
                    if (IsFile(path)) return path;
                }
            }
            else
            {
                // No cache (a minimal container): the folders ldconfig would have read.
                foreach (string folder in confFolders())
                {
                    string candidate = folder.TrimEnd('/') + "/" + name;
                    if (IsFile(candidate)) return candidate;
                }
            }

            string multiarch = arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            foreach (string folder in new[] { "/lib/" + multiarch, "/usr/lib/" + multiarch }.Concat(DefaultFolders64))
            {
                string candidate = folder + "/" + name;
                if (IsFile(candidate)) return candidate;
            }

            return null;
        }

        /// <summary>What <see cref="Resolve(string, string, bool)"/> searched, for messages.</summary>
        public const string SearchedText = "the absolute LD_LIBRARY_PATH entries, the ld.so cache (/etc/ld.so.cache) and the "
            + "default library folders";

        private static bool IsFile(string path)
        {
            try
            {
                // A FIFO or device counts as "there": the loader's caller refuses it with the reason.
                FileStatus status = FileStatus.Of(path);
                return status.Exists && status.Kind != FileKind.Directory;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>The folders /etc/ld.so.conf names (with its include lines), in order.</summary>
        private static IEnumerable<string> ConfFolders()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return ReadConf("/etc/ld.so.conf", seen, 0);
        }

        private static IEnumerable<string> ReadConf(string file, HashSet<string> seen, int depth)
        {
            if (depth > 8 || !seen.Add(file)) yield break;
            string text;
            try
            {
                text = BoundedFile.ReadAllText(file, 1 << 20);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                yield break;
            }

            foreach (string raw in text.Split('\n'))
            {
                string line = raw.Split('#')[0].Trim();
                if (line.StartsWith("include ", StringComparison.Ordinal))
                {
                    string pattern = line.Substring(8).Trim();
                    string? folder = Path.GetDirectoryName(pattern);
                    if (folder == null || !Directory.Exists(folder)) continue;
                    string[] files;
                    try
                    {
                        files = Directory.GetFiles(folder, Path.GetFileName(pattern));
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        continue;
                    }

                    Array.Sort(files, StringComparer.Ordinal);
                    foreach (string included in files)
                    {
                        foreach (string entry in ReadConf(included, seen, depth + 1)) yield return entry;
                    }
                }
                else if (line.StartsWith("/", StringComparison.Ordinal))
                {
                    yield return line;
                }
            }
        }
    }

    /// <summary>
    /// glibc's /etc/ld.so.cache in its current format ("glibc-ld.so.cache1.1", the only one glibc 2.32 and later
    /// write; older files carry it after the old "ld.so-1.7.0" table): a header, fixed entries of (flags, name offset,
    /// path offset, OS version, hwcap), and a string table. Entries are kept when they are ELF libraries of this
    /// machine (x86-64 or AArch64, 64-bit); glibc-hwcaps variants are listed after the baseline copy.
    /// </summary>
    internal sealed class LdSoCache
    {
        private const string NewMagic = "glibc-ld.so.cache1.1";
        private const string OldMagic = "ld.so-1.7.0";
        private const int FlagElfLibc6 = 0x0003, FlagTypeMask = 0x00FF, FlagRequiredMask = 0xFF00;
        private const int FlagX8664Lib64 = 0x0300, FlagAarch64Lib64 = 0x0A00;
        private const ulong HwcapExtension = 1UL << 62;

        private readonly List<(string Name, string Path, int Flags, ulong Hwcap)> _entries;

        private LdSoCache(List<(string, string, int, ulong)> entries) => _entries = entries;

        private static readonly object DefaultLock = new object();
        private static LdSoCache? _default;
        private static DateTime _defaultWritten;

        /// <summary>
        /// This machine's cache; null where it is missing or unreadable. Read again only when ldconfig has rewritten it
        /// (a driver installed while PowerShell runs is then found, as "install and retry" promises).
        /// </summary>
        public static LdSoCache? Default
        {
            get
            {
                const string path = "/etc/ld.so.cache";
                DateTime written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
                lock (DefaultLock)
                {
                    if (written != _defaultWritten || (_default == null && written != DateTime.MinValue))
                    {
                        _default = written == DateTime.MinValue ? null : Read(path);
                        _defaultWritten = written;
                    }

                    return _default;
                }
            }
        }

        /// <summary>The cache in a file; null when the file is missing, unreadable or not a cache this reader knows.</summary>
        public static LdSoCache? Read(string path)
        {
            try
            {
                return Parse(BoundedFile.ReadAllBytes(path, 64L << 20));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>The cache in <paramref name="bytes"/>; null when they hold no cache in the current format, or a damaged one.</summary>
        public static LdSoCache? Parse(byte[] bytes)
        {
            int start = IndexOf(bytes, Encoding.ASCII.GetBytes(NewMagic));
            if (start < 0) return null;
            if (start > 0 && !StartsWith(bytes, Encoding.ASCII.GetBytes(OldMagic))) return null;
            try
            {
                checked
                {
                    int count = (int)U32(bytes, start + 20);
                    const int headerSize = 48, entrySize = 24;
                    if (count < 0 || (long)start + headerSize + (long)count * entrySize > bytes.Length) return null;
                    var entries = new List<(string, string, int, ulong)>(count);
                    for (int i = 0; i < count; i++)
                    {
                        int at = start + headerSize + i * entrySize;
                        int flags = (int)U32(bytes, at);
                        string? name = CString(bytes, start + (long)U32(bytes, at + 4));
                        string? file = CString(bytes, start + (long)U32(bytes, at + 8));
                        ulong hwcap = U32(bytes, at + 16) | (ulong)U32(bytes, at + 20) << 32;
                        if (name != null && file != null) entries.Add((name, file, flags, hwcap));
                    }

                    return new LdSoCache(entries);
                }
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        /// <summary>The paths the cache gives for a soname on this machine's architecture: the baseline copy first.</summary>
        public IEnumerable<string> Lookup(string name, bool arm64)
        {
            int machine = arm64 ? FlagAarch64Lib64 : FlagX8664Lib64;
            return _entries
                .Where(e => e.Name == name && (e.Flags & FlagTypeMask) == FlagElfLibc6 && (e.Flags & FlagRequiredMask) == machine)
                .OrderBy(e => (e.Hwcap & HwcapExtension) != 0 ? 1 : 0)
                .Select(e => e.Path)
                .ToList();
        }

        private static string? CString(byte[] bytes, long offset)
        {
            if (offset < 0 || offset >= bytes.Length) return null;
            int end = Array.IndexOf(bytes, (byte)0, (int)offset);
            return end < 0 ? null : Encoding.UTF8.GetString(bytes, (int)offset, end - (int)offset);
        }

        private static uint U32(byte[] b, int at) =>
            at < 0 || at + 4 > b.Length ? throw new OverflowException() : BitConverter.ToUInt32(b, at);

        private static bool StartsWith(byte[] bytes, byte[] prefix) => bytes.Length >= prefix.Length && IndexOf(bytes, prefix) == 0;

        private static int IndexOf(byte[] bytes, byte[] pattern)
        {
            // The new header sits at the start, or after the old table (a few KB in); no need to search further.
            int limit = Math.Min(bytes.Length - pattern.Length, 1 << 20);
            for (int i = 0; i <= limit; i++)
            {
                int j = 0;
                while (j < pattern.Length && bytes[i + j] == pattern[j]) j++;
                if (j == pattern.Length) return i;
            }

            return -1;
        }
    }
}
