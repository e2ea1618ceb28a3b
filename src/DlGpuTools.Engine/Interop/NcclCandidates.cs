using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Where NCCL is looked for on Linux, in order: what a program's dlopen("libnccl.so.2") finds, the CUDA toolkit's
    /// folders (CUDA_PATH, CUDA_HOME, /usr/local/cuda), the distribution's folders (NVIDIA's libnccl2 package puts it
    /// in the multiarch folder), the active conda environment, then the copy pip's nvidia-nccl wheel puts in
    /// site-packages/nvidia/nccl/lib of each Python found (the one PyTorch uses). DLGPUTOOLS_NCCL_PATH replaces the
    /// search. NVIDIA publishes no Windows build of NCCL, so Windows has no candidates.
    /// </summary>
    internal static class NcclCandidates
    {
        /// <summary>Points the module at one NCCL library file; nothing else is tried.</summary>
        public const string OverrideVariable = "DLGPUTOOLS_NCCL_PATH";

        /// <summary>NCCL 2's soname; NCCL 1 had another API and is not supported.</summary>
        public const string Soname = "libnccl.so.2";

        private const string LoaderSearch = "the system loader's search path (LD_LIBRARY_PATH, ld.so cache)";
        private const string DistroFolder = "the distribution's library folder (NVIDIA's libnccl2 package)";

        /// <summary>
        /// The candidates; <paramref name="sitePackages"/> replaces the Python scan (tests), null scans this machine's environments.
        /// </summary>
        public static IReadOnlyList<LibraryCandidate> For(ProbeEnvironment env, IEnumerable<string>? sitePackages)
        {
            if (env == null) throw new ArgumentNullException(nameof(env));
            string? overridePath = env.OverridePath(OverrideVariable);
            if (overridePath != null) return new[] { new LibraryCandidate(overridePath, "$env:" + OverrideVariable) };
            if (env.IsWindows) return Array.Empty<LibraryCandidate>();

            string target = env.IsArm64 ? "sbsa-linux" : "x86_64-linux";
            string multiarch = env.IsArm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            var list = new List<LibraryCandidate> { new LibraryCandidate(Soname, LoaderSearch) };
            foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            {
                string? root = env.AbsoluteFolder(variable);
                if (root == null) continue;
                list.Add(new LibraryCandidate(root.TrimEnd('/') + "/lib64/" + Soname, "$env:" + variable + "/lib64"));
                list.Add(new LibraryCandidate(root.TrimEnd('/') + "/targets/" + target + "/lib/" + Soname,
                    "$env:" + variable + "/targets/" + target + "/lib"));
            }

            list.Add(new LibraryCandidate("/usr/local/cuda/lib64/" + Soname, "the CUDA toolkit's library folder"));
            list.Add(new LibraryCandidate("/usr/lib/" + multiarch + "/" + Soname, DistroFolder));
            list.Add(new LibraryCandidate("/usr/lib64/" + Soname, DistroFolder));
            string? conda = env.AbsoluteFolder("CONDA_PREFIX");
            if (conda != null)
                list.Add(new LibraryCandidate(conda.TrimEnd('/') + "/lib/" + Soname,
                    "$env:CONDA_PREFIX/lib (the active conda environment)"));
            foreach (string site in sitePackages ?? SafeSitePackages(env))
                list.Add(new LibraryCandidate(site.TrimEnd('/') + "/nvidia/nccl/lib/" + Soname, "pip's nvidia-nccl wheel in " + site));
            return list;
        }

        /// <summary>What to tell a Windows user, who has no NCCL to find.</summary>
        public const string WindowsHasNone =
            "NVIDIA publishes NCCL for Linux only, so there is no NCCL to load on Windows. Run collectives on Linux (WSL 2 with a "
                + "CUDA-capable driver works).";

        private static IEnumerable<string> SafeSitePackages(ProbeEnvironment env)
        {
            try
            {
                return PythonEnvironments.SitePackages(env).Distinct(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // An unreadable environment folder costs only the wheels' copies, never the system's.
                return Array.Empty<string>();
            }
        }
    }
}
