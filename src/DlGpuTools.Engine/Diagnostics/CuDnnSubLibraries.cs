using System;
using System.Globalization;
using System.IO;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// The sub-libraries each cuDNN major splits into (a cuDNN 9 ldconfig listing: https://github.com/ultrasev/stream-whisper/issues/28).
    /// </summary>
    internal static class CuDnnSubLibraries
    {
        private static readonly string[] Nine = { "graph", "engines_precompiled", "engines_runtime_compiled",
            "heuristic", "ops", "cnn", "adv" };
        private static readonly string[] Eight = { "ops_infer", "ops_train", "cnn_infer", "cnn_train", "adv_infer", "adv_train" };

        public static string[] Names(int major, bool windows)
        {
            string[] parts = major >= 9 ? Nine : Eight;
            var names = new string[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                names[i] = windows ? $"cudnn_{parts[i]}64_{major}.dll" : $"libcudnn_{parts[i]}.so.{major}";
            return names;
        }

        /// <summary>
        /// A sub-library found outside cuDNN's folder, and the version its file name carries (null when it carries only the major).
        /// </summary>
        public sealed class Found
        {
            public Found(string path, Version? version)
            {
                Path = path;
                Version = version;
            }

            public string Path { get; }

            public Version? Version { get; }
        }

        /// <summary>
        /// Where cuDNN's own load-by-name of a missing sub-library lands: on Linux the loader's search (LD_LIBRARY_PATH,
        /// the ld.so cache, the default folders), with the real file behind the soname link (libcudnn_ops.so.9 ->
        /// libcudnn_ops.so.9.14.0) for its version; on Windows the absolute PATH entries. Null when nothing is found.
        /// </summary>
        internal static Found? FindElsewhere(string name, ProbeEnvironment environment)
        {
            if (environment.IsWindows)
            {
                foreach (string folder in environment.AbsoluteEntries("PATH"))
                {
                    string candidate = folder.TrimEnd('\\') + "\\" + name;
                    if (environment.FileSystem.FileExists(candidate)) return new Found(candidate, null);
                }

                return null;
            }

            string? file = LinuxLibrarySearch.Resolve(name, environment.GetVariable("LD_LIBRARY_PATH"), environment.IsArm64);
            if (file == null) return null;
            string real = LinuxLink.RealFolder(file);
            return new Found(file, VersionInName(System.IO.Path.GetFileName(real), name));
        }

        /// <summary>
        /// The version after the soname in a real file's name: libcudnn_ops.so.9.14.0 gives 9.14.0; null for libcudnn_ops.so.9.
        /// </summary>
        public static Version? VersionInName(string fileName, string soname)
        {
            int so = soname.LastIndexOf(".so.", StringComparison.Ordinal);
            string stem = so < 0 ? soname : soname.Substring(0, so + 4);
            if (!fileName.StartsWith(stem, StringComparison.Ordinal)) return null;
            return Version.TryParse(fileName.Substring(stem.Length), out Version version) && version.Minor >= 0 ? version : null;
        }

        /// <summary>Whether a sub-library's version is the main library's release (major, minor and, where named, patch).</summary>
        public static bool SameRelease(Version subLibrary, Version main) =>
            subLibrary.Major == main.Major && subLibrary.Minor == main.Minor
                && (subLibrary.Build < 0 || main.Build < 0 || subLibrary.Build == main.Build);
    }
}
