using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>Facts read from the OS rather than from NVIDIA's libraries.</summary>
    public static class HostFacts
    {
        private static readonly Regex KernelModuleVersion = new Regex(@"Kernel Module\s+(?:for\s+\S+\s+)?([0-9]+(?:\.[0-9]+)+)",
            RegexOptions.CultureInvariant);

        /// <summary>The kernel module's version from /proc/driver/nvidia/version (Linux), when NVML is not there to say.</summary>
        public static string? ReadLinuxKernelModuleVersion(string path = "/proc/driver/nvidia/version")
        {
            try
            {
                // A few hundred bytes; BoundedFile opens only a regular file (procfs files are) and stops at 64 KB.
                return File.Exists(path) ? ParseKernelModuleVersion(BoundedFile.ReadAllText(path, 64 * 1024)) : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        public static string? ParseKernelModuleVersion(string text)
        {
            if (Strings.IsNullOrEmpty(text)) return null;
            Match m = KernelModuleVersion.Match(text);
            return m.Success ? m.Groups[1].Value : null;
        }

        /// <summary>
        /// The GPU model names the Linux kernel module lists under /proc/driver/nvidia/gpus/*/information: a file
        /// read with no library loaded and no device touched, for tab completion before any enumeration. Empty
        /// where there is no such folder (Windows, WSL, no driver).
        /// </summary>
        public static string[] ReadLinuxGpuModels(string root = "/proc/driver/nvidia/gpus")
        {
            try
            {
                if (!Directory.Exists(root)) return Array.Empty<string>();
                var models = new System.Collections.Generic.List<string>();
                foreach (string gpu in Directory.GetDirectories(root))
                {
                    string info = Path.Combine(gpu, "information");
                    string? model = File.Exists(info) ? ParseGpuModel(File.ReadAllText(info)) : null;
                    if (model != null) models.Add(model);
                }

                return models.ToArray();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        private static readonly Regex ModelLine = new Regex(@"^Model:\s*(.+?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        public static string? ParseGpuModel(string information)
        {
            if (Strings.IsNullOrEmpty(information)) return null;
            Match m = ModelLine.Match(information);
            return m.Success ? m.Groups[1].Value : null;
        }

        /// <summary>The name of a process by id, or null when it is gone or in another PID namespace.</summary>
        public static string? ProcessName(int pid)
        {
            try
            {
                string comm = "/proc/" + pid + "/comm";
                // Any user can name a process (prctl, exec -a) with ESC sequences: printed as they are, a terminal obeys them.
                if (File.Exists(comm)) return PrintableText.Of(File.ReadAllText(comm).Trim());
                using (Process p = Process.GetProcessById(pid)) return PrintableText.Of(p.ProcessName);
            }
            catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is IOException
                || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
    }
}
