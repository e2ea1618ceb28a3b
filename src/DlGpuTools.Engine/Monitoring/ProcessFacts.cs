using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Who runs a process and how it was started, from /proc on Linux (user, command line, cgroup). Elsewhere only
    /// the name is known (System.Diagnostics.Process). A process that is gone, in another PID namespace or not
    /// readable gives empty facts, never an error.
    /// </summary>
    public static class ProcessFacts
    {
        private static readonly char[] FieldSeparators = { '\t', ' ' };

        public static void Fill(GpuProcessUsage usage, string procRoot = "/proc", string passwdPath = "/etc/passwd")
        {
            usage.ProcessName = Devices.HostFacts.ProcessName(usage.ProcessId);
            string dir = Path.Combine(procRoot, usage.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!Directory.Exists(dir)) return;
            usage.CommandLine = ParseCommandLine(Read(Path.Combine(dir, "cmdline")));
            string? uid = ParseRealUid(Read(Path.Combine(dir, "status")));
            if (uid != null) usage.UserName = UserName(uid, passwdPath) ?? uid;
            ContainerIdentity? container = ContainerIdentity.FromCgroup(Read(Path.Combine(dir, "cgroup")));
            usage.ContainerRuntime = container?.Runtime;
            usage.ContainerId = container?.Id;
        }

        /// <summary>
        /// /proc/&lt;pid&gt;/cmdline: arguments separated (and ended) by NUL; joined with spaces, on one line, with
        /// control characters made visible (<see cref="PrintableText"/>): another user wrote them.
        /// </summary>
        public static string? ParseCommandLine(string? raw)
        {
            if (Strings.IsNullOrEmpty(raw)) return null;
            string[] parts = raw.TrimEnd('\0').Split('\0');
            var text = new StringBuilder();
            foreach (string part in parts)
            {
                if (text.Length > 0) text.Append(' ');
                text.Append(part.IndexOf(' ') >= 0 ? "\"" + part + "\"" : part);
            }

            return PrintableText.Of(text.ToString());
        }

        /// <summary>The real uid from /proc/&lt;pid&gt;/status's "Uid:" line (real, effective, saved, filesystem).</summary>
        public static string? ParseRealUid(string? status)
        {
            if (Strings.IsNullOrEmpty(status)) return null;
            foreach (string line in status.Split('\n'))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                string[] fields = line.Substring(4).Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 ? fields[0] : null;
            }

            return null;
        }

        /// <summary>The name /etc/passwd gives a uid (users from LDAP and the like stay numbers).</summary>
        public static string? UserName(string uid, string passwdPath)
        {
            foreach (string line in (Read(passwdPath) ?? string.Empty).Split('\n'))
            {
                string[] fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == uid) return fields[0];
            }

            return null;
        }

        private static string? Read(string path)
        {
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
