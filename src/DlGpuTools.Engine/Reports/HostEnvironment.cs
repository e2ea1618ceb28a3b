using System;
using System.IO;
using System.Runtime.InteropServices;
using DlGpuTools.Interop;

namespace DlGpuTools.Reports
{
    /// <summary>Which OS, kernel, WSL and container this process runs in, read from files the OS provides.</summary>
    internal static class HostEnvironment
    {
        public static string OperatingSystem() => RuntimeInformation.OSDescription.Trim();

        /// <summary>The Linux kernel release (/proc/sys/kernel/osrelease), or the OS version elsewhere.</summary>
        public static string? Kernel(string osRelease = "/proc/sys/kernel/osrelease") =>
            ReadFirstLine(osRelease) ?? Environment.OSVersion.Version.ToString();

        /// <summary>WSL: its kernel names Microsoft in /proc/version, and WSL sets WSL_DISTRO_NAME.</summary>
        public static bool IsWsl(Func<string, string?> getVariable, string procVersion = "/proc/version")
        {
            if (!Strings.IsNullOrEmpty(getVariable("WSL_DISTRO_NAME"))) return true;
            string? text = ReadFirstLine(procVersion);
            return text != null && text.IndexOf("microsoft", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        /// <summary>
        /// The container runtime, from the marks each leaves: Kubernetes' service variable, podman's
        /// /run/.containerenv, docker's /.dockerenv, or the runtime named in PID 1's cgroup. Null outside one.
        /// </summary>
        public static string? Container(Func<string, string?> getVariable, string root = "/")
        {
            if (!Strings.IsNullOrEmpty(getVariable("KUBERNETES_SERVICE_HOST"))) return "kubernetes";
            if (File.Exists(Path.Combine(root, "run/.containerenv"))) return "podman";
            if (File.Exists(Path.Combine(root, ".dockerenv"))) return "docker";
            string? cgroup = ReadAll(Path.Combine(root, "proc/1/cgroup"));
            if (cgroup == null) return null;
            if (cgroup.Contains("kubepods")) return "kubernetes";
            if (cgroup.Contains("docker")) return "docker";
            if (cgroup.Contains("containerd")) return "containerd";
            if (cgroup.Contains("libpod")) return "podman";
            return null;
        }

        private static string? ReadFirstLine(string path)
        {
            string? text = ReadAll(path);
            if (text == null) return null;
            int end = text.IndexOf('\n');
            return (end >= 0 ? text.Substring(0, end) : text).Trim();
        }

        // /proc files, but read through a path a test or a container may point elsewhere: only a regular file (procfs
        // files are, with length 0) and at most 64 KB, counted while reading, so a FIFO or /dev/zero there cannot hang
        // the report. A file that cannot be read is a fact not known.
        private static string? ReadAll(string path)
        {
            try
            {
                return File.Exists(path) ? BoundedFile.ReadAllText(path, 64 * 1024) : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
