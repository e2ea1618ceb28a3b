using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The CPU BLAS families, in the order the module prefers them (fastest GEMM on typical deep-learning machines first).
    /// </summary>
    internal enum BlasFamily
    {
        /// <summary>Intel MKL's single dynamic library (libmkl_rt.so.2, mkl_rt.2.dll).</summary>
        Mkl,

        /// <summary>The MKL that PyTorch's CPU library carries statically and exports (torch/lib/libtorch_cpu.so).</summary>
        MklInPyTorch,

        /// <summary>OpenBLAS: the system's, a conda environment's, or the renamed copies numpy and scipy wheels carry.</summary>
        OpenBlas,

        /// <summary>BLIS and AMD's AOCL-BLIS.</summary>
        Blis,

        /// <summary>Apple's Accelerate framework.</summary>
        Accelerate,

        /// <summary>A BLAS that is none of the above: usually netlib's reference implementation (unoptimised loops).</summary>
        Reference,
    }

    /// <summary>One place a CPU BLAS may be, with the family its name suggests (confirmed from its exports once loaded).</summary>
    internal sealed class BlasCandidate
    {
        public BlasCandidate(string path, string origin, BlasFamily family)
        {
            Candidate = new LibraryCandidate(path, origin);
            Family = family;
        }

        public LibraryCandidate Candidate { get; }

        public BlasFamily Family { get; }

        public override string ToString() => Family + ": " + Candidate.Path;
    }

    /// <summary>
    /// Where CPU BLAS libraries are looked for, in preference order: MKL, MKL inside PyTorch, OpenBLAS (the newer
    /// copies numpy and scipy wheels carry before the system's, which is often older), BLIS, Accelerate, and last a
    /// generic libblas.so.3 (on Debian and Ubuntu an alternatives link that may be OpenBLAS or netlib's reference
    /// BLAS; its exports decide which). Versioned names only. DLGPUTOOLS_BLAS_PATH replaces the whole search: a file
    /// is the only candidate, a folder contributes the known names inside it, and a path that does not exist leaves
    /// no BLAS (the managed kernel runs, with its warning).
    /// </summary>
    internal static class CpuBlasCandidates
    {
        private const string LoaderSearch = "the system loader's search path (LD_LIBRARY_PATH, ld.so cache)";
        private const string DistroFolder = "the distribution's library folder";

        private static readonly string[] LinuxOpenBlasNames = { "libopenblas.so.0", "libopenblasp.so.0", "libopenblaso.so.0" };
        private static readonly string[] LinuxBlisNames = { "libblis-mt.so.4", "libblis.so.4", "libblis-mt.so.3", "libblis.so.3" };

        public static IReadOnlyList<BlasCandidate> For(ProbeEnvironment env) => For(env, null);

        /// <summary>
        /// The candidates; <paramref name="sitePackages"/> replaces the Python scan (tests), null scans this machine's environments.
        /// </summary>
        public static IReadOnlyList<BlasCandidate> For(ProbeEnvironment env, IEnumerable<string>? sitePackages)
        {
            if (env == null) throw new ArgumentNullException(nameof(env));
            string? overridePath = env.OverridePath(LibraryCandidates.CpuBlasOverrideVariable);
            if (overridePath != null)
            {
                string origin = "$env:" + LibraryCandidates.CpuBlasOverrideVariable;
                if (env.DirectoryExists(overridePath)) return InFolder(env, overridePath, origin);
                return new[] { new BlasCandidate(overridePath, origin, FamilyOfName(Path.GetFileName(overridePath))) };
            }

            List<string> sites = (sitePackages ?? SafeSitePackages(env)).ToList();
            return env.IsWindows ? Windows(env, sites) : Unix(env, sites);
        }

        /// <summary>The family a file name suggests; the loaded library's exports have the last word.</summary>
        public static BlasFamily FamilyOfName(string fileName)
        {
            string name = fileName.ToLowerInvariant();
            if (name.Contains("torch_cpu")) return BlasFamily.MklInPyTorch;
            if (name.Contains("mkl")) return BlasFamily.Mkl;
            if (name.Contains("openblas")) return BlasFamily.OpenBlas;
            if (name.Contains("blis")) return BlasFamily.Blis;
            if (name.Contains("accelerate")) return BlasFamily.Accelerate;
            return BlasFamily.Reference;
        }

        private static IEnumerable<string> SafeSitePackages(ProbeEnvironment env)
        {
            try
            {
                return PythonEnvironments.SitePackages(env).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // An unreadable environment folder costs its wheels' BLAS copies, never the system's.
                return Array.Empty<string>();
            }
        }

        private static List<BlasCandidate> Unix(ProbeEnvironment env, List<string> sites)
        {
            var list = new List<BlasCandidate>();
            string multiarch = "/usr/lib/" + (env.IsArm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu");
            string? conda = env.AbsoluteFolder("CONDA_PREFIX");
            string? mklRoot = env.AbsoluteFolder("MKLROOT");

            // MKL: the loader's search, MKLROOT, a conda environment, the oneAPI default, then each Python prefix
            // (pip's mkl package puts libmkl_rt.so.2 in <prefix>/lib, two levels above site-packages).
            const string mkl = "libmkl_rt.so.2";
            list.Add(new BlasCandidate(mkl, LoaderSearch, BlasFamily.Mkl));
            if (!string.IsNullOrEmpty(mklRoot))
                list.Add(new BlasCandidate(mklRoot!.TrimEnd('/') + "/lib/" + mkl, "$env:MKLROOT/lib", BlasFamily.Mkl));
            if (!string.IsNullOrEmpty(conda)) list.Add(new BlasCandidate(conda!.TrimEnd('/') + "/lib/" + mkl,
                "$env:CONDA_PREFIX/lib (the active conda environment)", BlasFamily.Mkl));
            list.Add(new BlasCandidate("/opt/intel/oneapi/mkl/latest/lib/" + mkl, "the oneAPI installer's folder", BlasFamily.Mkl));
            foreach (string site in sites)
            {
                string? prefixLib = Path.GetDirectoryName(Path.GetDirectoryName(site.TrimEnd('/')) ?? string.Empty);
                if (!string.IsNullOrEmpty(prefixLib))
                    list.Add(new BlasCandidate(prefixLib + "/" + mkl, "the pip mkl package of " + site, BlasFamily.Mkl));
            }

            foreach (string site in sites) list.Add(new BlasCandidate(site.TrimEnd('/') + "/torch/lib/libtorch_cpu.so",
                "PyTorch's CPU library in " + site + " (statically linked MKL)", BlasFamily.MklInPyTorch));

            // OpenBLAS: the copies numpy and scipy wheels carry (renamed: scipy_ prefixed symbols, and 64-bit
            // integers in numpy's), which are usually newer than the distribution's; then the system's builds.
            foreach (string site in sites)
            {
                foreach (string folder in new[] { "numpy.libs", "scipy.libs", "scipy_openblas64/lib", "scipy_openblas32/lib" })
                {
                    string dir = site.TrimEnd('/') + "/" + folder;
                    foreach (string file in Files(env, dir, "lib*openblas*.so*"))
                        list.Add(new BlasCandidate(file,
                            "the OpenBLAS a wheel carries (" + folder + " in " + site + ")", BlasFamily.OpenBlas));
                }
            }

            foreach (string name in LinuxOpenBlasNames) list.Add(new BlasCandidate(name, LoaderSearch, BlasFamily.OpenBlas));
            foreach (string folder in new[] { "openblas-pthread", "openblas-openmp", "openblas64-pthread", "openblas64-openmp" })
                list.Add(new BlasCandidate(multiarch + "/" + folder + "/libopenblas.so.0",
                    DistroFolder + " (" + folder + " build)", BlasFamily.OpenBlas));
            foreach (string name in LinuxOpenBlasNames)
                list.Add(new BlasCandidate("/usr/lib64/" + name, DistroFolder, BlasFamily.OpenBlas));
            if (!string.IsNullOrEmpty(conda)) list.Add(new BlasCandidate(conda!.TrimEnd('/') + "/lib/libopenblas.so.0",
                "$env:CONDA_PREFIX/lib (the active conda environment)", BlasFamily.OpenBlas));

            foreach (string name in LinuxBlisNames) list.Add(new BlasCandidate(name, LoaderSearch, BlasFamily.Blis));
            foreach (string folder in new[] { "blis-pthread", "blis-openmp" })
                list.Add(new BlasCandidate(multiarch + "/" + folder + "/libblis.so.4",
                    DistroFolder + " (" + folder + " build)", BlasFamily.Blis));
            foreach (string aocl in Directories(env, "/opt/AMD/aocl", "aocl-linux-*"))
                list.Add(new BlasCandidate(aocl + "/lib/libblis-mt.so", "AMD's AOCL folder", BlasFamily.Blis));

            const string accelerate = "/System/Library/Frameworks/Accelerate.framework/Accelerate";
            if (env.DirectoryExists("/System/Library/Frameworks"))
                list.Add(new BlasCandidate(accelerate, "macOS's Accelerate framework", BlasFamily.Accelerate));

            list.Add(new BlasCandidate("libblas.so.3", LoaderSearch + "; on Debian and Ubuntu an alternatives link", BlasFamily.Reference));
            list.Add(new BlasCandidate("libcblas.so.3", LoaderSearch, BlasFamily.Reference));
            return list;
        }

        private static List<BlasCandidate> Windows(ProbeEnvironment env, List<string> sites)
        {
            var folders = new List<(string Folder, string Origin)>();
            IReadOnlyList<string> path = env.AbsoluteEntries("PATH");
            for (int i = 0; i < path.Count; i++) folders.Add((path[i], $"$env:PATH entry {i + 1}"));
            string? conda = env.AbsoluteFolder("CONDA_PREFIX");
            if (!string.IsNullOrEmpty(conda))
                folders.Add((conda!.TrimEnd('\\') + @"\Library\bin", @"$env:CONDA_PREFIX\Library\bin (conda packages)"));
            string? mklRoot = env.AbsoluteFolder("MKLROOT");
            if (!string.IsNullOrEmpty(mklRoot)) folders.Add((mklRoot!.TrimEnd('\\') + @"\bin", @"$env:MKLROOT\bin"));

            var list = new List<BlasCandidate>();
            foreach (var (folder, origin) in folders)
                list.Add(new BlasCandidate(folder.TrimEnd('\\') + @"\mkl_rt.2.dll", origin, BlasFamily.Mkl));
            foreach (string site in sites) list.Add(new BlasCandidate(site.TrimEnd('\\') + @"\torch\lib\torch_cpu.dll",
                "PyTorch's CPU library in " + site, BlasFamily.MklInPyTorch));
            foreach (string site in sites)
            {
                foreach (string folder in new[] { "numpy.libs", "scipy.libs" })
                {
                    foreach (string file in Files(env, site.TrimEnd('\\') + @"\" + folder, "lib*openblas*.dll"))
                        list.Add(new BlasCandidate(file,
                            "the OpenBLAS a wheel carries (" + folder + " in " + site + ")", BlasFamily.OpenBlas));
                }
            }

            foreach (var (folder, origin) in folders)
            {
                list.Add(new BlasCandidate(folder.TrimEnd('\\') + @"\openblas.dll", origin, BlasFamily.OpenBlas));
                list.Add(new BlasCandidate(folder.TrimEnd('\\') + @"\libopenblas.dll", origin, BlasFamily.OpenBlas));
            }

            foreach (var (folder, origin) in folders)
            {
                list.Add(new BlasCandidate(folder.TrimEnd('\\') + @"\AOCL-LibBlis-Win-MT-dll.dll", origin, BlasFamily.Blis));
                list.Add(new BlasCandidate(folder.TrimEnd('\\') + @"\blis.dll", origin, BlasFamily.Blis));
            }

            return list;
        }

        /// <summary>A folder named by the override: the known BLAS names inside it, in preference order.</summary>
        private static List<BlasCandidate> InFolder(ProbeEnvironment env, string folder, string origin)
        {
            var patterns = env.IsWindows
                ? new[] { "mkl_rt.2.dll", "torch_cpu.dll", "lib*openblas*.dll", "openblas.dll", "*blis*.dll" }
                : new[] { "libmkl_rt.so.2", "libtorch_cpu.so", "lib*openblas*.so*", "libblis*.so*", "libblas.so.3", "libcblas.so.3" };
            var list = new List<BlasCandidate>();
            foreach (string pattern in patterns)
            {
                foreach (string file in Files(env, folder, pattern).OrderBy(f => f, StringComparer.Ordinal))
                    list.Add(new BlasCandidate(file, origin + " (a folder)", FamilyOfName(Path.GetFileName(file))));
            }

            // An empty folder still leaves a trace line, so "no BLAS" says where it looked.
            if (list.Count == 0) list.Add(new BlasCandidate(folder.TrimEnd('/', '\\')
                + (env.IsWindows ? @"\openblas.dll" : "/libopenblas.so.0"),
                    origin + " (a folder with no BLAS library in it)", BlasFamily.OpenBlas));
            return list;
        }

        private static IEnumerable<string> Files(ProbeEnvironment env, string folder, string pattern)
        {
            if (!env.DirectoryExists(folder)) return Array.Empty<string>();
            try
            {
                // Development links (libopenblas.so without a version) are left out: the versioned file is the same library.
                return Directory.GetFiles(folder, pattern)
                    .Where(f => !f.EndsWith(".so", StringComparison.Ordinal) || Path.GetFileName(f).Contains("-")
                    || Path.GetFileName(f).StartsWith("libtorch", StringComparison.Ordinal))
                        .OrderBy(f => f, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        private static IEnumerable<string> Directories(ProbeEnvironment env, string root, string pattern) =>
            env.DirectoryExists(root) ? env.FileSystem.ListDirectories(root, pattern).OrderByDescending(d => d, StringComparer.Ordinal)
                : Enumerable.Empty<string>();
    }
}
