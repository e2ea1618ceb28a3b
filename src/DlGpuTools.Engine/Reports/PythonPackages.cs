using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Reports
{
    /// <summary>
    /// The deep-learning frameworks installed in one environment, read from their files: the version from the
    /// package's dist-info folder, and the CUDA it was built for from the file each framework writes at build
    /// time (torch/version.py, tensorflow's build_info.py) or, for JAX, from which CUDA plugin is installed.
    /// </summary>
    internal static class PythonPackages
    {
        /// <summary>
        /// The most read of one framework file. torch/version.py and build_info.py are a few hundred bytes; anything
        /// near the cap was not written by a framework's build.
        /// </summary>
        public const int MaxFileBytes = 64 * 1024;

        /// <summary>
        /// What the environment's files say. A file that cannot be read (not a regular file, too large, unreadable) is
        /// skipped and named in <see cref="PythonEnvironmentReport.Problem"/>: the versions still come from the
        /// dist-info folders, only the CUDA build that file would have told is unknown.
        /// </summary>
        internal static PythonEnvironmentReport Read(PythonEnvironmentLocation location)
        {
            if (location == null) throw new ArgumentNullException(nameof(location));
            var report = new PythonEnvironmentReport { Kind = location.Kind, Prefix = location.Prefix };
            var problems = new List<string>();
            foreach (string site in location.SitePackages)
            {
                report.PythonVersion = report.PythonVersion ?? PythonVersionOf(site);
                if (report.Torch == null)
                {
                    // torch/version.py has the full version with its build tag (2.11.0+cu130); the dist-info name may not.
                    string? text = ReadFrameworkFile(Path.Combine(site, "torch", "version.py"), problems);
                    if (text != null)
                    {
                        report.Torch = PythonSource.Assignment(text, "__version__") ?? DistVersion(site, "torch");
                        report.TorchCuda = PythonSource.Assignment(text, "cuda") ?? "CPU only";
                    }
                }

                report.Torch = report.Torch ?? DistVersion(site, "torch");

                report.TensorFlow = report.TensorFlow ?? DistVersion(site, "tensorflow") ?? DistVersion(site, "tensorflow_cpu");
                if (report.TensorFlowCuda == null)
                {
                    string? text = ReadFrameworkFile(Path.Combine(site, "tensorflow", "python", "platform", "build_info.py"), problems);
                    if (text != null)
                        report.TensorFlowCuda = PythonSource.DictString(text, "cuda_version")
                            ?? (PythonSource.DictWord(text, "is_cuda_build") == "False" ? "CPU only" : null);
                }

                report.Jax = report.Jax ?? DistVersion(site, "jax");
                if (report.JaxCuda == null)
                {
                    Match plugin = LibraryCopies.SafeDirectories(site, "jax_cuda*_plugin-*.dist-info")
                        .Select(d => Regex.Match(Path.GetFileName(d), @"^jax_cuda(\d+)_plugin-"))
                        .FirstOrDefault(m => m.Success);
                    if (plugin != null) report.JaxCuda = "CUDA " + plugin.Groups[1].Value;
                    else if (DistVersion(site, "jaxlib") != null) report.JaxCuda = "CPU only";
                }
            }

            report.Problem = problems.Count == 0 ? null : string.Join(" ", problems);
            return report;
        }

        /// <summary>
        /// The text of a framework file, or null when there is none or it cannot be read (the reason is added to
        /// <paramref name="problems"/>). File.Exists only stats the path, so it is true for a FIFO, a socket or a link
        /// to a device as well; <see cref="BoundedFile"/> refuses those without opening them.
        /// </summary>
        internal static string? ReadFrameworkFile(string path, List<string> problems)
        {
            if (!File.Exists(path)) return null;
            try
            {
                return BoundedFile.ReadAllText(path, MaxFileBytes);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                problems.Add(e.Message);
                return null;
            }
        }

        /// <summary>The installed version of a distribution, from its NAME-VERSION.dist-info folder.</summary>
        internal static string? DistVersion(string site, string distribution)
        {
            foreach (string dir in LibraryCopies.SafeDirectories(site, distribution + "-*.dist-info").OrderByDescending(d => d))
            {
                Match m = Regex.Match(Path.GetFileName(dir), "^" + Regex.Escape(distribution) + @"-(\d[^-]*)\.dist-info$",
                    RegexOptions.IgnoreCase);
                if (m.Success) return m.Groups[1].Value;
            }

            return null;
        }

        private static string? PythonVersionOf(string site)
        {
            // .../lib/python3.12/site-packages
            Match m = Regex.Match(site.Replace('\\', '/'), @"/python(\d+\.\d+)/(site|dist)-packages$");
            return m.Success ? m.Groups[1].Value : null;
        }
    }
}
