using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// What a library that could not be loaded means for a user: missing (install it, or point its override variable
    /// at it) or, for the toolkit's libraries, found but refused by the loader (replace that file, or correct the
    /// variable that points at it). Some next steps differ between Windows and Linux.
    /// </summary>
    internal static class LibraryFailureMeanings
    {
        public static ErrorMeaning Of(NativeLibraryKind kind, ProbeAttempt? refused, ErrorHost host)
        {
            if (refused != null && IsToolkit(kind))
                return new ErrorMeaning(ErrorCatalogue.NativeLibraryLoadFailed, RefusedFileRemedy(refused, kind, host.IsWindows));
            switch (kind)
            {
                case NativeLibraryKind.CuDnn:
                    return new ErrorMeaning(ErrorCatalogue.CuDnnNotFound, "Install cuDNN 9 for your CUDA major, or set $env:"
                        + LibraryCandidates.CuDnnOverrideVariable + " to the library file; Test-CuDnnInstall shows what was searched.");
                case NativeLibraryKind.CudaRuntime:
                    return new ErrorMeaning(ErrorCatalogue.CudaRuntimeNotFound,
                        "Install the CUDA runtime (part of the CUDA toolkit), or set $env:" + LibraryCandidates.CudaRuntimeOverrideVariable
                        + " to the library file.");
                case NativeLibraryKind.CuBlas:
                    return new ErrorMeaning(ErrorCatalogue.CuBlasNotFound, "Install cuBLAS from the CUDA toolkit, or set $env:"
                        + LibraryCandidates.CuBlasOverrideVariable + " to the library file.");
                case NativeLibraryKind.CuBlasLt:
                    return new ErrorMeaning(ErrorCatalogue.CuBlasNotFound, host.IsWindows
                        ? "Install the CUDA toolkit (cuBLAS is part of it; its installer's folder and CUDA_PATH are searched), "
                          + "or put the folder that holds cublasLt64_<major>.dll on PATH, or set $env:"
                          + LibraryCandidates.CuBlasLtOverrideVariable + " to the full path of that DLL."
                        : "Install cuBLAS from the CUDA toolkit (Ubuntu: sudo apt install libcublas-13-0, or the whole toolkit), "
                          + "or set $env:" + LibraryCandidates.CuBlasLtOverrideVariable + " to a libcublasLt.so.<major> file, for "
                          + "example the one pip's nvidia-cublas wheel puts in site-packages/nvidia/cublas/lib.");
                case NativeLibraryKind.CudaDriver:
                    return new ErrorMeaning(ErrorCatalogue.CudaDriverNotFound, DriverInstallRemedy(host.IsWindows));
                case NativeLibraryKind.CpuBlas:
                    return new ErrorMeaning(ErrorCatalogue.CpuBlasNotFound, FailureCategory.NotInstalled,
                        "Install a CPU BLAS (OpenBLAS, MKL or BLIS), name its family or file in -Library (Tab completes the ones "
                        + "found), or set $env:" + LibraryCandidates.CpuBlasOverrideVariable + " to the library file.");
                case NativeLibraryKind.Nccl:
                    return new ErrorMeaning(ErrorCatalogue.NcclNotFound, host.IsWindows ? NcclCandidates.WindowsHasNone
                        : "Install NCCL 2 (NVIDIA's libnccl2 package, or pip's nvidia-nccl wheel into a Python this module finds), or set "
                          + "$env:" + NcclCandidates.OverrideVariable + " to a libnccl.so.2 file.");
                default:
                    return new ErrorMeaning(ErrorCatalogue.NvmlNotFound, "NVML ships with the NVIDIA driver (libnvidia-ml.so.1, "
                        + "or nvml.dll on Windows). Reinstall the driver, or set $env:" + LibraryCandidates.NvmlOverrideVariable
                        + " to the library's full path.");
            }
        }

        /// <summary>
        /// The entry for a library that lacks a function: the driver and NVML (which ships with it) are too old, a
        /// toolkit library or NCCL is an older release than the function, and a CPU BLAS simply does not have the routine.
        /// </summary>
        public static ErrorEntry MissingExport(NativeLibraryKind kind)
        {
            switch (kind)
            {
                case NativeLibraryKind.CudaDriver:
                case NativeLibraryKind.Nvml:
                    return ErrorCatalogue.CudaDriverTooOld;
                case NativeLibraryKind.Nccl:
                    return ErrorCatalogue.NcclTooOld;
                case NativeLibraryKind.CpuBlas:
                    return ErrorCatalogue.CpuBlasRoutineMissing;
                default:
                    return ErrorCatalogue.ToolkitLibraryTooOld;
            }
        }

        /// <summary>
        /// What to do about a library file the loader refused: correct the override variable that points at it,
        /// or replace the file (or take its folder off the search path) when the search found it.
        /// </summary>
        public static string RefusedFileRemedy(ProbeAttempt refused, NativeLibraryKind kind, bool isWindows)
        {
            string file = refused.RefusedFile;
            if (refused.FromOverride)
            {
                string variable = LibraryCandidates.OverrideVariable(kind);
                return "$env:" + variable + $" points at {file}, which the loader cannot load. Point it at a good copy of the library (the "
                    + $"full path of the file itself), or remove it ($env:{variable} = $null) so the standard places are searched.";
            }

            string searchVariable = isWindows ? "PATH" : "LD_LIBRARY_PATH";
            string folder = System.IO.Path.GetDirectoryName(file);
            return $"Replace {file} with a good copy (reinstall the package it came from), or delete it"
                + (Strings.IsNullOrEmpty(folder) ? string.Empty : $", or take its folder ({folder}) off {searchVariable}")
                + ": programs that load the library by name get this broken copy before any good one.";
        }

        public static string DriverInstallRemedy(bool isWindows)
        {
            return isWindows
                ? "Install the NVIDIA display driver for your GPU (https://www.nvidia.com/drivers), which puts nvcuda.dll in "
                  + "System32, then open a new PowerShell window."
                : "Install the NVIDIA driver (Ubuntu: sudo ubuntu-drivers install; others: the distribution's nvidia-driver "
                  + "package), reboot, and check that nvidia-smi works. On WSL, install the Windows NVIDIA driver: it provides "
                  + "/usr/lib/wsl/lib/libcuda.so.1. If the driver is in an unusual place, set $env:"
                  + LibraryCandidates.CudaDriverOverrideVariable + " to the full path of libcuda.so.1.";
        }

        private static bool IsToolkit(NativeLibraryKind kind) =>
            kind == NativeLibraryKind.CudaRuntime || kind == NativeLibraryKind.CuBlas || kind == NativeLibraryKind.CuDnn;
    }
}
