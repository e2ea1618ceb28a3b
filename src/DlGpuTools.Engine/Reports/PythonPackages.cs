using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Reports
{
    /// <summary>
    /// The deep-learning frameworks installed in one environment, read from their files: the version from the
    /// package's dist-info folder, and the CUDA it was built for from the file each framework writes at build
    /// time (torch/version.py, tensorflow's build_info.py) or, for JAX, from which CUDA plugin is installed.
    /// </summary>
    public static class PythonPackages
    {
        public static PythonEnvironmentReport Read(PythonEnvironmentLocation location)
        {
            var report = new PythonEnvironmentReport { Kind = location.Kind, Prefix = location.Prefix };
            foreach (string site in location.SitePackages)
            {
                report.PythonVersion = report.PythonVersion ?? PythonVersionOf(site);
                string torchVersionFile = Path.Combine(site, "torch", "version.py");
                if (report.Torch == null && File.Exists(torchVersionFile))
                {
                    // torch/version.py has the full version with its build tag (2.11.0+cu130); the dist-info name may not.
                    string text = File.ReadAllText(torchVersionFile);
                    report.Torch = Match(text, @"__version__\s*=\s*'([^']+)'") ?? DistVersion(site, "torch");
                    report.TorchCuda = Match(text, @"\bcuda\s*(?::[^=]*)?=\s*'([^']+)'") ?? "CPU only";
                }

                report.Torch = report.Torch ?? DistVersion(site, "torch");

                report.TensorFlow = report.TensorFlow ?? DistVersion(site, "tensorflow") ?? DistVersion(site, "tensorflow_cpu");
                string buildInfo = Path.Combine(site, "tensorflow", "python", "platform", "build_info.py");
                if (report.TensorFlowCuda == null && File.Exists(buildInfo))
                {
                    string text = File.ReadAllText(buildInfo);
                    report.TensorFlowCuda = Match(text, @"'cuda_version'\s*:\s*'([^']*)'") ?? (Regex.IsMatch(text, @"'is_cuda_build'\s*:\s*False") ? "CPU only" : null);
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

            return report;
        }

        /// <summary>The installed version of a distribution, from its NAME-VERSION.dist-info folder.</summary>
        internal static string? DistVersion(string site, string distribution)
        {
            foreach (string dir in LibraryCopies.SafeDirectories(site, distribution + "-*.dist-info").OrderByDescending(d => d))
            {
                Match m = Regex.Match(Path.GetFileName(dir), "^" + Regex.Escape(distribution) + @"-(\d[^-]*)\.dist-info$", RegexOptions.IgnoreCase);
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

        private static string? Match(string text, string pattern)
        {
            Match m = Regex.Match(text, pattern);
            return m.Success ? m.Groups[1].Value : null;
        }
    }
}
