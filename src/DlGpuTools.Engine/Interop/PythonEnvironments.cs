using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Python environments visible from this process, found from files alone (no interpreter is started and
    /// nothing is imported): each python on PATH, its site-packages, the usual system folders, and conda's
    /// and pyenv's environments (see <see cref="PythonEnvironmentScanner"/>).
    /// </summary>
    internal static class PythonEnvironments
    {
        /// <summary>
        /// site-packages of the active environment, each python on PATH, conda's and pyenv's environments, the user's
        /// ~/.local ones, and the site-/dist-packages folders among the environment's fixed scan roots (system
        /// Python; none in tests).
        /// </summary>
        public static IEnumerable<string> SitePackages(ProbeEnvironment env)
        {
            Func<string, string?> getVariable = env.GetVariable;
            bool windows = env.IsWindows;
            // The active environment, each python on PATH, conda's and pyenv's environments: one scanner for all,
            // the same one Get-GpuReport lists (the system folders come from this environment's own scan roots below).
            var result = new PythonEnvironmentScanner(getVariable, windows, env.DirectoryExists, includeSystem: false)
                .Find().SelectMany(e => e.SitePackages).ToList();

            if (!windows)
            {
                foreach (string root in env.ScanRoots.Where(r => r.Contains("-packages")))
                    result.AddRange(env.FileSystem.Expand(root, env.Separator));
                string? home = getVariable("HOME");
                if (!Strings.IsNullOrEmpty(home)) foreach (string lib in LibraryCopies.SafeDirectories(Path.Combine(home, ".local", "lib"),
                    "python3*")) result.Add(Path.Combine(lib, "site-packages"));
            }

            return result.Where(Directory.Exists).Distinct().ToList();
        }

        /// <summary>PyTorch as installed in a site-packages folder, read from torch/version.py and the pip metadata of its cuDNN.</summary>
        public sealed class TorchInstall
        {
            public string? SitePackages { get; set; }

            public string? Version { get; set; }

            /// <summary>The CUDA it was built for (torch.version.cuda), or null for a CPU-only build.</summary>
            public string? Cuda { get; set; }

            /// <summary>The version of the cuDNN pip package beside it, if any (what torch.backends.cudnn.version() reports).</summary>
            public string? BundledCudnn { get; set; }

            /// <summary>Why torch/version.py could not be read (a FIFO, too large, unreadable); null when it was.</summary>
            public string? Problem { get; set; }
        }

        /// <summary>Largest torch/version.py read: the real one is a few hundred bytes.</summary>
        public const int MaxVersionFileBytes = 64 * 1024;

        /// <summary>
        /// __version__ and cuda from a torch/version.py, read as text, never run. Another user may have planted the
        /// file: only a regular file of at most <see cref="MaxVersionFileBytes"/> is read, and <see cref="PythonSource"/>
        /// scans it in linear time. Throws IOException (with the reason) when it cannot be read.
        /// </summary>
        public static (string? Version, string? Cuda) ReadTorchVersionFile(string path)
        {
            string text = BoundedFile.ReadAllText(path, MaxVersionFileBytes);
            return (PythonSource.Assignment(text, "__version__"), PythonSource.Assignment(text, "cuda"));
        }

        public static TorchInstall? FindTorch(IEnumerable<string> sitePackages)
        {
            foreach (string site in sitePackages)
            {
                string versionFile = Path.Combine(site, "torch", "version.py");
                if (!File.Exists(versionFile)) continue;
                var install = new TorchInstall { SitePackages = site };
                try
                {
                    (install.Version, install.Cuda) = ReadTorchVersionFile(versionFile);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Not "a CPU-only build": what it was built for is unknown.
                    install.Problem = e.Message;
                }
                string cudnnInfo = LibraryCopies.SafeDirectories(site, "nvidia_cudnn_cu*-*.dist-info")
                    .OrderByDescending(d => d).FirstOrDefault();
                if (cudnnInfo != null)
                {
                    Match m = Regex.Match(Path.GetFileName(cudnnInfo), @"nvidia_cudnn_cu\d+-([\d.]+)\.dist-info");
                    if (m.Success) install.BundledCudnn = m.Groups[1].Value;
                }

                return install;
            }

            return null;
        }

        private static string? Match(string text, string pattern)
        {
            Match m = Regex.Match(text, pattern);
            return m.Success ? m.Groups[1].Value : null;
        }
    }
}
