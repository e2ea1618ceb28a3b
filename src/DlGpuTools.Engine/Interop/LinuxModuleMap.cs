using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Finds which file a code address belongs to by reading /proc/self/maps. dladdr would do,
    /// but it needs a struct and lives in a different library on each libc; the maps file is plain text.
    /// </summary>
    internal static class LinuxModuleMap
    {
        public static bool TryFindFile(IntPtr address, [NotNullWhen(true)] out string? file)
        {
            file = null;
            const string maps = "/proc/self/maps";
            if (!File.Exists(maps)) return false;
            ulong target = (ulong)address.ToInt64();
            foreach (string line in File.ReadLines(maps))
            {
                // 7f1c2a000000-7f1c2a021000 r-xp 00000000 08:01 1234   /usr/lib/x86_64-linux-gnu/libcuda.so.580.159.04
                int dash = line.IndexOf('-');
                int space = line.IndexOf(' ');
                if (dash <= 0 || space <= dash) continue;
                if (!ulong.TryParse(line.Substring(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start))
                    continue;
                if (!ulong.TryParse(line.Substring(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture,
                    out ulong end)) continue;
                if (target < start || target >= end) continue;
                int slash = line.IndexOf('/');
                if (slash < 0) return false;
                file = line.Substring(slash).Trim();
                return true;
            }

            return false;
        }
    }
}
