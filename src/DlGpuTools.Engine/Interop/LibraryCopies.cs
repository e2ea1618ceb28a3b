using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Finds every copy of a library a process on this machine could load: the loader's search path, the
    /// CUDA toolkit folders and Python environments' pip packages (where PyTorch brings its own cuDNN).
    /// Two copies of different versions are the classic cause of "compiled against X but found Y".
    /// </summary>
    internal static class LibraryCopies
    {
        /// <summary>One copy: the file found and the file it resolves to (symlinks followed), with the version its name carries.</summary>
        public sealed class Copy
        {
            public string? Path { get; set; }

            public string? RealPath { get; set; }

            public string? Version { get; set; }
        }

        public static List<Copy> Find(string fileName, IEnumerable<string> folders)
        {
            var copies = new Dictionary<string, Copy>(StringComparer.Ordinal);
            foreach (string folder in folders.Where(f => !Strings.IsNullOrWhiteSpace(f)).Distinct())
            {
                try
                {
                    if (!Directory.Exists(folder)) continue;
                    string path = System.IO.Path.Combine(folder, fileName);
                    if (!File.Exists(path)) continue;
                    string real = Resolve(path);
                    if (copies.ContainsKey(real)) continue;
                    copies[real] = new Copy { Path = path, RealPath = real, Version = VersionFromName(real, fileName) };
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // An unreadable folder is not a copy.
                }
            }

            return copies.Values.ToList();
        }

        /// <summary>
        /// Folders to scan for toolkit libraries: the loader's search path, the toolkit named by CUDA_PATH/CUDA_HOME,
        /// the environment's fixed scan roots (standard system folders; none in tests) and Python environments' pip packages.
        /// </summary>
        public static IEnumerable<string> SearchFolders(ProbeEnvironment env)
        {
            bool windows = env.IsWindows;
            var folders = new List<string>();
            string pathVariable = windows ? "PATH" : "LD_LIBRARY_PATH";
            folders.AddRange((env.GetVariable(pathVariable) ?? string.Empty).Split(env.ListSeparator).Where(p => p.Length > 0));
            foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            {
                string? root = env.GetVariable(variable);
                if (Strings.IsNullOrWhiteSpace(root)) continue;
                folders.Add(System.IO.Path.Combine(root, windows ? "bin" : "lib64"));
                if (windows) folders.Add(System.IO.Path.Combine(root, "bin", "x64"));
            }

            foreach (string root in env.ScanRoots.Where(r => !r.Contains("-packages")))
                folders.AddRange(env.FileSystem.Expand(root, env.Separator));

            foreach (string sitePackages in PythonEnvironments.SitePackages(env))
            {
                foreach (string package in new[] { "cudnn", "cuda_runtime", "cublas" })
                {
                    folders.Add(System.IO.Path.Combine(sitePackages, "nvidia", package, windows ? "bin" : "lib"));
                }

                folders.Add(windows ? System.IO.Path.Combine(sitePackages, "nvidia", "cu13", "bin", "x86_64")
                    : System.IO.Path.Combine(sitePackages, "nvidia", "cu13", "lib"));
                folders.Add(System.IO.Path.Combine(sitePackages, "torch", "lib"));
            }

            return folders;
        }

        internal static IEnumerable<string> SafeDirectories(string root, string pattern)
        {
            try
            {
                return Directory.Exists(root) ? Directory.GetDirectories(root, pattern) : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        private static string Resolve(string path)
        {
            // Follow symlinks by hand (netstandard2.0 has no ResolveLinkTarget); a few hops at most.
            string current = System.IO.Path.GetFullPath(path);
            for (int hop = 0; hop < 8; hop++)
            {
                string? target = LinuxLink.ReadLink(current);
                if (target == null) break;
                current = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(current), target));
            }

            // A folder that is itself a link (/lib -> usr/lib on merged-/usr systems) shows the same file twice.
            string folder = System.IO.Path.GetDirectoryName(current);
            string realFolder = LinuxLink.RealFolder(folder);
            return System.IO.Path.Combine(realFolder, System.IO.Path.GetFileName(current));
        }

        internal static string? VersionFromName(string realPath, string? fileName)
        {
            string name = System.IO.Path.GetFileName(realPath);
            Match m = Regex.Match(name, @"\.so\.(\d+(?:\.\d+)*)$");
            return m.Success ? m.Groups[1].Value : null;
        }
    }
}
