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
    internal static class ProcessFacts
    {
        private static readonly char[] FieldSeparators = { '\t', ' ' };

        /// <summary>
        /// Fills the OS facts of <paramref name="usage"/>. <paramref name="hostPids"/>: whether this process sees the host's
        /// PIDs (<see cref="Interop.LinuxNamespaces.InHostPidNamespace"/>); when it does not, nothing is looked up, since
        /// the PID from NVML would name another process here.
        /// </summary>
        public static void Fill(GpuProcessUsage usage, bool hostPids = true, string procRoot = "/proc", string passwdPath = "/etc/passwd")
        {
            if (!Interop.PlatformInfo.IsLinux)
            {
                usage.ProcessName = Devices.HostFacts.ProcessName(usage.ProcessId);
                usage.Lookup = nameof(ProcessLookup.NameOnly);
                return;
            }

            if (!hostPids)
            {
                usage.Lookup = nameof(ProcessLookup.OtherPidNamespace);
                return;
            }

            string dir = Path.Combine(procRoot, usage.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!Directory.Exists(dir))
            {
                usage.Lookup = nameof(ProcessLookup.Gone);
                return;
            }

            usage.Lookup = nameof(ProcessLookup.Read);
            usage.ProcessName = Devices.HostFacts.ProcessName(usage.ProcessId);
            usage.CommandLine = ParseCommandLine(Read(Path.Combine(dir, "cmdline")));
            string? uid = ParseRealUid(Read(Path.Combine(dir, "status")));
            if (uid != null) usage.UserName = UserName(uid, passwdPath) ?? uid;
            string? cgroup = Read(Path.Combine(dir, "cgroup"), CgroupText.MaxBytes);
            ContainerIdentity? container = ContainerIdentity.FromCgroup(cgroup);
            usage.ContainerRuntime = container?.Runtime;
            usage.ContainerId = container?.Id;
            usage.PodUid = KubernetesPod.UidFromCgroup(cgroup);
            if (usage.PodUid != null)
            {
                usage.PodNamespace = PodFacts.Namespace(usage.PodUid);
                usage.PodName = PodFacts.Name(dir);
            }

            SlurmJob? job = SlurmJob.FromCgroup(cgroup);
            usage.SlurmJobId = job?.JobId;
            usage.SlurmStep = job?.Step;
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

        /// <summary>A command line longer than this (the kernel allows several MiB) is not read: the name stands in for it.</summary>
        private const int MaxProcFileBytes = 1024 * 1024;

        private static string? Read(string path, int maxBytes = MaxProcFileBytes)
        {
            try
            {
                return File.Exists(path) ? Interop.BoundedFile.ReadAllText(path, maxBytes) : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
