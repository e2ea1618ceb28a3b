using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Finds the Python environments on a machine from their files alone (nothing is started or imported): the
    /// active one and every python on PATH (venvs, and pyenv's and conda's shims resolved to their real
    /// versions), conda's base and named environments, pyenv's versions, the user's site folder and the
    /// system's dist-packages. Deep-learning machines usually have several, and the framework a user runs is
    /// in exactly one of them, so a report lists each.
    /// </summary>
    internal sealed class PythonEnvironmentScanner
    {
        private readonly Func<string, string?> _getVariable;
        private readonly bool _windows;
        private readonly Func<string, bool> _directoryExists;
        private readonly bool _includeSystem;

        /// <summary>
        /// A scanner reading variables through <paramref name="getVariable"/> and folders through
        /// <paramref name="directoryExists"/>. <paramref name="includeSystem"/>: also the user's site folder and the
        /// system's dist-packages (a caller that scans those itself, from its own roots, leaves them out).
        /// </summary>
        public PythonEnvironmentScanner(Func<string, string?> getVariable, bool windows, Func<string, bool>? directoryExists = null,
            bool includeSystem = true)
        {
            _getVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
            _windows = windows;
            _directoryExists = directoryExists ?? Directory.Exists;
            _includeSystem = includeSystem;
        }

        /// <summary>Every environment found, each once (by prefix), in the order a user is most likely to mean.</summary>
        public IReadOnlyList<PythonEnvironmentLocation> Find()
        {
            var found = new List<PythonEnvironmentLocation>();
            void Add(string kind, string? prefix)
            {
                if (Strings.IsNullOrEmpty(prefix) || !_directoryExists(prefix)) return;
                string full = Path.GetFullPath(prefix).TrimEnd(Path.DirectorySeparatorChar);
                if (found.Any(e => string.Equals(e.Prefix, full, _windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)))
                    return;
                List<string> sites = SitePackagesOf(full);
                if (sites.Count > 0) found.Add(new PythonEnvironmentLocation(kind, full, sites));
            }

            // The activated ones first: what `python` means in this shell.
            Add("venv", _getVariable("VIRTUAL_ENV"));
            Add(CondaKind(_getVariable("CONDA_PREFIX")), _getVariable("CONDA_PREFIX"));

            foreach (string folder in PathFolders())
            {
                // A python on PATH: a venv's bin, a conda env's bin, the system's /usr/bin. pyenv's shims folder
                // holds scripts, not interpreters: its versions are listed below instead.
                if (folder.Replace('\\', '/').EndsWith("/shims", StringComparison.Ordinal)) continue;
                string exe = _windows ? Path.Combine(folder, "python.exe") : Path.Combine(folder, "python3");
                if (!File.Exists(exe) && !(_windows ? false : File.Exists(Path.Combine(folder, "python")))) continue;
                string prefix = _windows ? folder : Path.GetDirectoryName(folder);
                Add(KindOf(prefix), prefix);
            }

            foreach (string root in CondaRoots())
            {
                Add("conda", root);
                foreach (string env in LibraryCopies.SafeDirectories(Path.Combine(root, "envs"), "*")) Add("conda", env);
            }

            string? pyenvRoot = _getVariable("PYENV_ROOT");
            if (Strings.IsNullOrEmpty(pyenvRoot) && Home != null) pyenvRoot = Path.Combine(Home, ".pyenv");
            foreach (string version in LibraryCopies.SafeDirectories(Path.Combine(pyenvRoot ?? string.Empty, "versions"), "*"))
            {
                Add("pyenv", version);
                // pyenv-virtualenv keeps conda-style envs inside a version.
                foreach (string env in LibraryCopies.SafeDirectories(Path.Combine(version, "envs"), "*")) Add("pyenv", env);
            }

            if (!_windows && _includeSystem)
            {
                if (Home != null) AddUserSite(found, Path.Combine(Home, ".local"));
                AddSystem(found, "/usr/local", "dist-packages");
                AddSystem(found, "/usr", "dist-packages");
            }

            return found;
        }

        private string? Home => _windows ? _getVariable("USERPROFILE") : _getVariable("HOME");

        private IEnumerable<string> PathFolders() =>
            (_getVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Where(p => p.Length > 0 && _directoryExists(p));

        private IEnumerable<string> CondaRoots()
        {
            var roots = new List<string>();
            string? exe = _getVariable("CONDA_EXE");
            if (!Strings.IsNullOrEmpty(exe)) roots.Add(Path.GetDirectoryName(Path.GetDirectoryName(exe)));
            if (Home != null)
            {
                foreach (string name in new[] { "miniconda3", "anaconda3", "miniforge3", "mambaforge", ".conda" })
                    roots.Add(Path.Combine(Home, name));
            }

            if (!_windows) roots.Add("/opt/conda");
            return roots.Where(r => !Strings.IsNullOrEmpty(r) && _directoryExists(r)).Distinct();
        }

        private string KindOf(string prefix)
        {
            if (File.Exists(Path.Combine(prefix, "pyvenv.cfg"))) return "venv";
            if (_directoryExists(Path.Combine(prefix, "conda-meta"))) return "conda";
            string normalized = prefix.Replace('\\', '/');
            if (normalized.Contains("/.pyenv/versions/")) return "pyenv";
            return "system";
        }

        private string CondaKind(string? prefix) => Strings.IsNullOrEmpty(prefix) ? "conda" : KindOf(prefix);

        private List<string> SitePackagesOf(string prefix)
        {
            var sites = new List<string>();
            if (_windows)
            {
                sites.Add(Path.Combine(prefix, "Lib", "site-packages"));
            }
            else
            {
                foreach (string lib in LibraryCopies.SafeDirectories(Path.Combine(prefix, "lib"), "python3*"))
                {
                    sites.Add(Path.Combine(lib, "site-packages"));
                    sites.Add(Path.Combine(lib, "dist-packages"));
                }
            }

            return sites.Where(_directoryExists).ToList();
        }

        private void AddUserSite(List<PythonEnvironmentLocation> found, string prefix)
        {
            List<string> sites = SitePackagesOf(prefix);
            if (sites.Count > 0 && found.All(e => e.Prefix != prefix)) found.Add(new PythonEnvironmentLocation("user", prefix, sites));
        }

        private void AddSystem(List<PythonEnvironmentLocation> found, string prefix, string folder)
        {
            var sites = LibraryCopies.SafeDirectories(Path.Combine(prefix, "lib"), "python3*")
                .Select(l => Path.Combine(l, folder)).ToList();
            if (prefix == "/usr") sites.Add("/usr/lib/python3/dist-packages");
            sites = sites.Where(_directoryExists).Where(s => found.All(e => !e.SitePackages.Contains(s))).ToList();
            if (sites.Count > 0) found.Add(new PythonEnvironmentLocation("system", prefix, sites));
        }
    }

    /// <summary>One Python environment: where it is, what kind, and its package folders.</summary>
    internal sealed class PythonEnvironmentLocation
    {
        public PythonEnvironmentLocation(string kind, string prefix, IReadOnlyList<string> sitePackages)
        {
            Kind = kind;
            Prefix = prefix;
            SitePackages = sitePackages;
        }

        /// <summary>venv, conda, pyenv, user or system.</summary>
        public string Kind { get; }

        public string Prefix { get; }

        public IReadOnlyList<string> SitePackages { get; }
    }
}
