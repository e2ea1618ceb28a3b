using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Where each library is looked for, in order. Versioned names only (libcuda.so.1, never the
    /// libcuda.so dev symlink, which is absent on most runtime installs and on WSL), and never the
    /// current directory: folders from variables are used only when absolute, and a relative override is read
    /// against PowerShell's location (<see cref="ProbeEnvironment.OverridePath"/>). A bare soname is resolved to
    /// an absolute file by the loader (<see cref="PlatformNativeLoader"/>), which skips empty and relative
    /// LD_LIBRARY_PATH entries.
    /// </summary>
    internal static class LibraryCandidates
    {
        /// <summary>Points the module at one specific CUDA driver library file; nothing else is tried.</summary>
        public const string CudaDriverOverrideVariable = "DLGPUTOOLS_CUDA_DRIVER_PATH";

        /// <summary>Points the module at one specific NVML library file; nothing else is tried.</summary>
        public const string NvmlOverrideVariable = "DLGPUTOOLS_NVML_PATH";

        private const string LoaderSearch = "the system loader's search path (LD_LIBRARY_PATH, ld.so cache)";
        private const string WslFolder = "the WSL driver folder";
        private const string DistroFolder = "the distribution's library folder";
        private const string ContainerFolder = "the NVIDIA container runtime's driver folder";

        /// <summary>Points the module at one specific cuBLASLt library file; nothing else is tried.</summary>
        public const string CuBlasLtOverrideVariable = "DLGPUTOOLS_CUBLASLT_PATH";

        private const string ToolkitFolder = "the CUDA toolkit's library folder";

        /// <summary>Marks the origins of Windows candidates that the standard DLL search order visits.</summary>
        public const string WindowsSearchOrderTag = "the Windows loader's search order";

        public const string CudaRuntimeOverrideVariable = "DLGPUTOOLS_CUDART_PATH";
        public const string CuBlasOverrideVariable = "DLGPUTOOLS_CUBLAS_PATH";
        public const string CuDnnOverrideVariable = "DLGPUTOOLS_CUDNN_PATH";

        /// <summary>
        /// Points the module at one CPU BLAS file, or a folder to take BLAS libraries from; pointing nowhere selects the managed kernel.
        /// </summary>
        public const string CpuBlasOverrideVariable = "DLGPUTOOLS_BLAS_PATH";

        public static string OverrideVariable(NativeLibraryKind kind)
        {
            switch (kind)
            {
                case NativeLibraryKind.CudaDriver: return CudaDriverOverrideVariable;
                case NativeLibraryKind.Nvml: return NvmlOverrideVariable;
                case NativeLibraryKind.CudaRuntime: return CudaRuntimeOverrideVariable;
                case NativeLibraryKind.CuBlas: return CuBlasOverrideVariable;
                case NativeLibraryKind.CuDnn: return CuDnnOverrideVariable;
                case NativeLibraryKind.CpuBlas: return CpuBlasOverrideVariable;
                case NativeLibraryKind.Nccl: return NcclCandidates.OverrideVariable;
                default: return CuBlasLtOverrideVariable;
            }
        }

        /// <summary>A human name for messages.</summary>
        public static string DisplayName(NativeLibraryKind kind)
        {
            switch (kind)
            {
                case NativeLibraryKind.CudaDriver: return "The NVIDIA CUDA driver library";
                case NativeLibraryKind.Nvml: return "The NVIDIA Management Library (NVML)";
                case NativeLibraryKind.CudaRuntime: return "The CUDA runtime (cudart)";
                case NativeLibraryKind.CuBlas: return "cuBLAS";
                case NativeLibraryKind.CuDnn: return "cuDNN";
                case NativeLibraryKind.CpuBlas: return "A CPU BLAS library (MKL, OpenBLAS, BLIS)";
                case NativeLibraryKind.Nccl: return "NCCL (NVIDIA's collective communication library)";
                default: return "cuBLASLt (the CUDA toolkit's GEMM library)";
            }
        }

        /// <summary>
        /// The versioned file names of a toolkit library, newest major first: Linux sonames and Windows DLL names.
        /// CUDA 11's runtime is the odd one: libcudart.so.11.0 and cudart64_110.dll.
        /// </summary>
        public static (string[] Linux, string[] Windows) ToolkitNames(NativeLibraryKind kind)
        {
            switch (kind)
            {
                case NativeLibraryKind.CudaRuntime:
                    return (new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0" },
                        new[] { "cudart64_13.dll", "cudart64_12.dll", "cudart64_110.dll" });
                case NativeLibraryKind.CuBlas:
                    return (new[] { "libcublas.so.13", "libcublas.so.12", "libcublas.so.11" },
                        new[] { "cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll" });
                case NativeLibraryKind.CuDnn:
                    return (new[] { "libcudnn.so.9", "libcudnn.so.8" }, new[] { "cudnn64_9.dll", "cudnn64_8.dll" });
                default:
                    return (new[] { "libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11" },
                        new[] { "cublasLt64_13.dll", "cublasLt64_12.dll", "cublasLt64_11.dll" });
            }
        }

        private static List<LibraryCandidate> ToolkitCandidates(ProbeEnvironment env, NativeLibraryKind kind)
        {
            var (linuxNames, windowsNames) = ToolkitNames(kind);
            var roots = new List<(string Path, string Origin)>();
            foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            {
                string? root = env.AbsoluteFolder(variable);
                if (root != null) roots.Add((root, "$env:" + variable));
            }

            return env.IsWindows ? WindowsToolkitCandidates(env, kind, windowsNames, roots)
                : LinuxToolkitCandidates(env, linuxNames, roots);
        }

        private static List<LibraryCandidate> LinuxToolkitCandidates(ProbeEnvironment env, string[] sonames,
            List<(string Path, string Origin)> roots)
        {
            var list = new List<LibraryCandidate>();
            string target = env.IsArm64 ? "sbsa-linux" : "x86_64-linux";
            string? conda = env.AbsoluteFolder("CONDA_PREFIX");
            foreach (string soname in sonames)
            {
                // What a program's dlopen(soname) finds comes first; then the folders installers use that the
                // loader may not search (the toolkit's, a conda environment's).
                list.Add(new LibraryCandidate(soname, LoaderSearch));
                foreach (var (root, origin) in roots)
                {
                    list.Add(new LibraryCandidate(root.TrimEnd('/') + "/lib64/" + soname, origin + "/lib64"));
                    list.Add(new LibraryCandidate(root.TrimEnd('/') + "/targets/" + target + "/lib/" + soname,
                        origin + "/targets/" + target + "/lib"));
                }

                list.Add(new LibraryCandidate("/usr/local/cuda/lib64/" + soname, ToolkitFolder));
                list.Add(new LibraryCandidate("/usr/local/cuda/targets/" + target + "/lib/" + soname, ToolkitFolder));
                list.Add(new LibraryCandidate("/usr/lib/" + (env.IsArm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu") + "/" + soname,
                    DistroFolder));
                if (conda != null) list.Add(new LibraryCandidate(conda.TrimEnd('/') + "/lib/" + soname,
                    "$env:CONDA_PREFIX/lib (the active conda environment)"));
            }

            return list;
        }

        /// <summary>
        /// Windows: first the places the standard DLL search order visits for a program that loads the DLL by
        /// name (System32, the Windows folder, then each PATH entry, in order; the program's own folder and the
        /// current folder are the program's business), then the folders NVIDIA's installers, pip wheels and conda
        /// create, which programs find only when told (os.add_dll_directory, PATH). Each is tried by absolute
        /// path, so the trace says which folder held what.
        /// </summary>
        private static List<LibraryCandidate> WindowsToolkitCandidates(ProbeEnvironment env, NativeLibraryKind kind, string[] dlls,
            List<(string Path, string Origin)> roots)
        {
            var folders = new List<(string Folder, string Origin)>();
            string windowsFolder = (env.GetVariable("SystemRoot") ?? @"C:\Windows").Trim();
            folders.Add((Win(windowsFolder, "System32"), "System32 (" + WindowsSearchOrderTag + ")"));
            folders.Add((windowsFolder, "the Windows folder (" + WindowsSearchOrderTag + ")"));
            IReadOnlyList<string> path = env.AbsoluteEntries("PATH");
            for (int i = 0; i < path.Count; i++) folders.Add((path[i], $"$env:PATH entry {i + 1}"));

            // CUDA toolkit: CUDA_PATH (and CUDA_HOME), the per-version CUDA_PATH_Vx_y variables the installer sets,
            // then every installed version, newest first. CUDA 13 moved the DLLs from bin to bin\x64.
            foreach (var (root, origin) in roots) AddToolkitBins(folders, root, origin);
            foreach (int major in new[] { 13, 12, 11 })
            {
                for (int minor = 9; minor >= 0; minor--)
                {
                    string variable = $"CUDA_PATH_V{major}_{minor}";
                    string? root = env.AbsoluteFolder(variable);
                    if (root != null) AddToolkitBins(folders, root, "$env:" + variable);
                }
            }

            string programFiles = (env.GetVariable("ProgramW6432") ?? env.GetVariable("ProgramFiles") ?? @"C:\Program Files").Trim();
            foreach (string version in NewestFirst(env, Win(programFiles, "NVIDIA GPU Computing Toolkit", "CUDA"), "v*"))
                AddToolkitBins(folders, version, @"the CUDA installer's folder (Program Files\NVIDIA GPU Computing Toolkit\CUDA)");

            if (kind == NativeLibraryKind.CuDnn)
            {
                // cuDNN 9's installer: CUDNN\v9.x\bin\<CUDA major.minor>\x64 (newer) or \bin\<CUDA major.minor> (9.0-9.x);
                // cuDNN 8's installer: CUDNN\v8.x\bin. cuDNN 8's zip is copied into the toolkit's bin, searched above.
                const string origin = @"the cuDNN installer's folder (Program Files\NVIDIA\CUDNN)";
                foreach (string version in NewestFirst(env, Win(programFiles, "NVIDIA", "CUDNN"), "v*"))
                {
                    foreach (string cuda in NewestFirst(env, Win(version, "bin"), "*"))
                    {
                        folders.Add((Win(cuda, "x64"), origin));
                        folders.Add((cuda, origin));
                    }

                    folders.Add((Win(version, "bin"), origin));
                }
            }

            // pip wheels and conda: each Python on PATH, the active virtual and conda environments.
            var sitePackages = new List<(string Folder, string Origin)>();
            foreach (string entry in path)
            {
                if (env.FileSystem.FileExists(Win(entry, "python.exe")))
                    sitePackages.Add((Win(entry, "Lib", "site-packages"), "pip packages of the python.exe in " + entry));
            }

            foreach (string variable in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            {
                string? prefix = env.AbsoluteFolder(variable);
                if (prefix != null) sitePackages.Add((Win(prefix, "Lib", "site-packages"), $"pip packages of $env:{variable}"));
            }

            string wheel = kind == NativeLibraryKind.CuDnn ? "cudnn" : kind == NativeLibraryKind.CudaRuntime ? "cuda_runtime" : "cublas";
            foreach (var (site, origin) in sitePackages)
            {
                folders.Add((Win(site, "nvidia", wheel, "bin"), origin + @" (nvidia\" + wheel + @"\bin)"));
                if (kind != NativeLibraryKind.CuDnn) folders.Add((Win(site, "nvidia", "cu13", "bin", "x86_64"),
                    origin + @" (CUDA 13 wheels: nvidia\cu13\bin\x86_64)"));
                folders.Add((Win(site, "torch", "lib"), origin + @" (torch\lib)"));
            }

            string? conda = env.AbsoluteFolder("CONDA_PREFIX");
            if (conda != null) folders.Add((Win(conda, "Library", "bin"), @"$env:CONDA_PREFIX\Library\bin (conda packages)"));

            var list = new List<LibraryCandidate>();
            foreach (string dll in dlls)
            {
                foreach (var (folder, origin) in folders) list.Add(new LibraryCandidate(Win(folder, dll), origin));
            }

            return list;
        }

        private static void AddToolkitBins(List<(string Folder, string Origin)> folders, string root, string origin)
        {
            folders.Add((Win(root, "bin", "x64"), origin + @"\bin\x64"));
            folders.Add((Win(root, "bin"), origin + @"\bin"));
        }

        /// <summary>Sub-folders matching a pattern, highest version number in their name first (v13.0 before v12.8 before v9.1).</summary>
        private static IEnumerable<string> NewestFirst(ProbeEnvironment env, string root, string pattern)
        {
            if (!env.FileSystem.DirectoryExists(root)) return Array.Empty<string>();
            return env.FileSystem.ListDirectories(root, pattern)
                .Select(p => (Path: p, Version: VersionIn(LastSegment(p))))
                .OrderByDescending(p => p.Version)
                .ThenBy(p => p.Path, StringComparer.OrdinalIgnoreCase)
                .Select(p => p.Path)
                .ToList();
        }

        private static Version VersionIn(string name)
        {
            Match m = Regex.Match(name, @"(\d+)(?:\.(\d+))?");
            return m.Success ? new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0) : new Version(0, 0);
        }

        private static string LastSegment(string path) => path.TrimEnd('\\', '/').Split('\\', '/').Last();

        /// <summary>Joins Windows path segments whatever OS this process runs on (tests describe Windows from Linux).</summary>
        private static string Win(string root, params string[] parts)
        {
            string result = root.TrimEnd('\\');
            foreach (string part in parts) result += "\\" + part;
            return result;
        }

        public static IReadOnlyList<LibraryCandidate> For(NativeLibraryKind kind, ProbeEnvironment env)
        {
            // The CPU BLAS has its own list (several families, a folder override, Python wheels); see CpuBlasCandidates.
            if (kind == NativeLibraryKind.CpuBlas) return CpuBlasCandidates.For(env).Select(c => c.Candidate).ToList();
            if (kind == NativeLibraryKind.Nccl) return NcclCandidates.For(env, null);
            string overrideVariable = OverrideVariable(kind);
            string? overridePath = env.OverridePath(overrideVariable);
            if (overridePath != null) return new[] { new LibraryCandidate(overridePath, "$env:" + overrideVariable) };

            if (kind != NativeLibraryKind.CudaDriver && kind != NativeLibraryKind.Nvml) return ToolkitCandidates(env, kind);

            var list = new List<LibraryCandidate>();
            if (env.IsWindows)
            {
                string system32 = Path.Combine(env.GetVariable("SystemRoot") ?? @"C:\Windows", "System32");
                if (kind == NativeLibraryKind.CudaDriver)
                {
                    list.Add(new LibraryCandidate(Path.Combine(system32, "nvcuda.dll"), "System32 (installed by the display driver)"));
                }
                else
                {
                    // DCH drivers put nvml.dll in System32; older standard drivers in NVSMI.
                    list.Add(new LibraryCandidate(Path.Combine(system32, "nvml.dll"), "System32 (DCH drivers)"));
                    string programFiles = env.GetVariable("ProgramW6432") ?? env.GetVariable("ProgramFiles") ?? @"C:\Program Files";
                    list.Add(new LibraryCandidate(Path.Combine(programFiles, "NVIDIA Corporation", "NVSMI", "nvml.dll"),
                        "NVSMI folder (standard drivers)"));
                }

                return list;
            }

            string soname = kind == NativeLibraryKind.CudaDriver ? "libcuda.so.1" : "libnvidia-ml.so.1";
            list.Add(new LibraryCandidate(soname, LoaderSearch));
            // WSL: the Windows driver's Linux libraries live here and dlopen does not search it by default.
            list.Add(new LibraryCandidate("/usr/lib/wsl/lib/" + soname, WslFolder));
            string multiarch = env.IsArm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            list.Add(new LibraryCandidate("/usr/lib/" + multiarch + "/" + soname, DistroFolder));
            list.Add(new LibraryCandidate("/usr/lib64/" + soname, DistroFolder));
            list.Add(new LibraryCandidate("/usr/lib/" + soname, DistroFolder));
            list.Add(new LibraryCandidate("/usr/local/nvidia/lib64/" + soname, ContainerFolder));
            if (env.IsWsl)
            {
                // On WSL the WSL folder is the right copy; put it first so a stray Linux driver does not win.
                list.Insert(0, list[1]);
                list.RemoveAt(2);
            }

            return list;
        }
    }
}
