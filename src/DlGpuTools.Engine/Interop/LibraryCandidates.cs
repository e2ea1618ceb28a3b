using System;
using System.Collections.Generic;
using System.IO;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Where each library is looked for, in order. Versioned names only (libcuda.so.1, never the
    /// libcuda.so dev symlink, which is absent on most runtime installs and on WSL), and never the
    /// current directory.
    /// </summary>
    public static class LibraryCandidates
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

        public const string CudaRuntimeOverrideVariable = "DLGPUTOOLS_CUDART_PATH";
        public const string CuBlasOverrideVariable = "DLGPUTOOLS_CUBLAS_PATH";
        public const string CuDnnOverrideVariable = "DLGPUTOOLS_CUDNN_PATH";

        public static string OverrideVariable(NativeLibraryKind kind)
        {
            switch (kind)
            {
                case NativeLibraryKind.CudaDriver: return CudaDriverOverrideVariable;
                case NativeLibraryKind.Nvml: return NvmlOverrideVariable;
                case NativeLibraryKind.CudaRuntime: return CudaRuntimeOverrideVariable;
                case NativeLibraryKind.CuBlas: return CuBlasOverrideVariable;
                case NativeLibraryKind.CuDnn: return CuDnnOverrideVariable;
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
                    return (new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0" }, new[] { "cudart64_13.dll", "cudart64_12.dll", "cudart64_110.dll" });
                case NativeLibraryKind.CuBlas:
                    return (new[] { "libcublas.so.13", "libcublas.so.12", "libcublas.so.11" }, new[] { "cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll" });
                case NativeLibraryKind.CuDnn:
                    return (new[] { "libcudnn.so.9", "libcudnn.so.8" }, new[] { "cudnn64_9.dll", "cudnn64_8.dll" });
                default:
                    return (new[] { "libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11" }, new[] { "cublasLt64_13.dll", "cublasLt64_12.dll", "cublasLt64_11.dll" });
            }
        }

        private static IReadOnlyList<LibraryCandidate> ToolkitCandidates(ProbeEnvironment env, NativeLibraryKind kind)
        {
            var (linuxNames, windowsNames) = ToolkitNames(kind);
            var list = new List<LibraryCandidate>();
            var roots = new List<(string Path, string Origin)>();
            foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            {
                string root = env.GetVariable(variable);
                if (!string.IsNullOrWhiteSpace(root)) roots.Add((root.Trim(), "$env:" + variable));
            }

            if (env.IsWindows)
            {
                foreach (string dll in windowsNames)
                {
                    // CUDA 13 moved the DLLs from bin to bin\x64.
                    foreach (var (root, origin) in roots)
                    {
                        list.Add(new LibraryCandidate(Path.Combine(root, "bin", "x64", dll), origin + @"\bin\x64"));
                        list.Add(new LibraryCandidate(Path.Combine(root, "bin", dll), origin + @"\bin"));
                    }
                }

                return list;
            }

            string target = env.IsArm64 ? "sbsa-linux" : "x86_64-linux";
            foreach (string soname in linuxNames)
            {
                list.Add(new LibraryCandidate(soname, LoaderSearch));
                foreach (var (root, origin) in roots)
                {
                    list.Add(new LibraryCandidate(root.TrimEnd('/') + "/lib64/" + soname, origin + "/lib64"));
                    list.Add(new LibraryCandidate(root.TrimEnd('/') + "/targets/" + target + "/lib/" + soname, origin + "/targets/" + target + "/lib"));
                }

                list.Add(new LibraryCandidate("/usr/local/cuda/lib64/" + soname, ToolkitFolder));
                list.Add(new LibraryCandidate("/usr/local/cuda/targets/" + target + "/lib/" + soname, ToolkitFolder));
                list.Add(new LibraryCandidate("/usr/lib/" + (env.IsArm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu") + "/" + soname, DistroFolder));
            }

            return list;
        }

        public static IReadOnlyList<LibraryCandidate> For(NativeLibraryKind kind, ProbeEnvironment env)
        {
            string overrideVariable = OverrideVariable(kind);
            string overridePath = env.GetVariable(overrideVariable);
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                return new[] { new LibraryCandidate(overridePath.Trim(), "$env:" + overrideVariable) };
            }

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
                    list.Add(new LibraryCandidate(Path.Combine(programFiles, "NVIDIA Corporation", "NVSMI", "nvml.dll"), "NVSMI folder (standard drivers)"));
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
