using System;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// The one place where engine and native exceptions become user-facing failures: the ErrorId, the
    /// category and the remedy. Remedies follow the install failures users report most in public issue trackers
    /// (for example https://github.com/NVIDIA/nvidia-docker/issues/498 and https://github.com/pytorch/pytorch/issues/167244).
    /// </summary>
    public static class FailureClassifier
    {
        public const string CudaDriverNotFound = nameof(CudaDriverNotFound);
        public const string NvmlNotFound = nameof(NvmlNotFound);
        public const string CudaDriverTooOld = nameof(CudaDriverTooOld);
        public const string CudaDeviceNotFound = nameof(CudaDeviceNotFound);
        public const string CudaDriverInitFailed = nameof(CudaDriverInitFailed);
        public const string CudaDeviceQueryFailed = nameof(CudaDeviceQueryFailed);
        public const string CudaCallFailed = nameof(CudaCallFailed);
        public const string NvmlCallFailed = nameof(NvmlCallFailed);
        public const string UnsupportedProcess = nameof(UnsupportedProcess);
        public const string CuBlasNotFound = nameof(CuBlasNotFound);
        public const string CuBlasCallFailed = nameof(CuBlasCallFailed);
        public const string MatMulTooLarge = nameof(MatMulTooLarge);
        public const string MatMulVerificationFailed = nameof(MatMulVerificationFailed);
        public const string MatMulTypeNotSupported = nameof(MatMulTypeNotSupported);

        /// <summary>A toolkit library (CUDA runtime, cuBLAS, cuDNN) is there but the OS loader refused it.</summary>
        public const string NativeLibraryLoadFailed = nameof(NativeLibraryLoadFailed);
        public const string CudaRuntimeNotFound = nameof(CudaRuntimeNotFound);
        public const string CuDnnNotFound = nameof(CuDnnNotFound);

        public static Failure? Classify(Exception exception, bool isWindows, Func<string, string?> getVariable)
        {
            switch (exception)
            {
                case NativeLibraryNotFoundException refused when refused.Unloadable != null && IsToolkit(refused.Kind):
                    return new Failure(NativeLibraryLoadFailed, FailureCategory.NotInstalled, refused.Message, RefusedFileRemedy(refused.Unloadable, refused.Kind, isWindows));
                case NativeLibraryNotFoundException notFound when notFound.Kind == NativeLibraryKind.CuDnn:
                    return new Failure(CuDnnNotFound, FailureCategory.NotInstalled, notFound.Message,
                        "Install cuDNN 9 for your CUDA major, or set $env:" + LibraryCandidates.CuDnnOverrideVariable + " to the library file; Test-CuDnnInstall shows what was searched.");
                case NativeLibraryNotFoundException notFound when notFound.Kind == NativeLibraryKind.CudaRuntime:
                    return new Failure(CudaRuntimeNotFound, FailureCategory.NotInstalled, notFound.Message,
                        "Install the CUDA runtime (part of the CUDA toolkit), or set $env:" + LibraryCandidates.CudaRuntimeOverrideVariable + " to the library file.");
                case NativeLibraryNotFoundException notFound when notFound.Kind == NativeLibraryKind.CuBlas:
                    return new Failure(CuBlasNotFound, FailureCategory.NotInstalled, notFound.Message,
                        "Install cuBLAS from the CUDA toolkit, or set $env:" + LibraryCandidates.CuBlasOverrideVariable + " to the library file.");
                case NativeLibraryNotFoundException notFound when notFound.Kind == NativeLibraryKind.CuBlasLt:
                    return new Failure(CuBlasNotFound, FailureCategory.NotInstalled, notFound.Message,
                        isWindows
                            ? "Install the CUDA toolkit (cuBLAS is part of it; its installer's folder and CUDA_PATH are searched), or put the folder that holds cublasLt64_<major>.dll on PATH, or set $env:" + LibraryCandidates.CuBlasLtOverrideVariable + " to the full path of that DLL."
                            : "Install cuBLAS from the CUDA toolkit (Ubuntu: sudo apt install libcublas-13-0, or the whole toolkit), or set $env:" + LibraryCandidates.CuBlasLtOverrideVariable
                              + " to a libcublasLt.so.<major> file, for example the one pip's nvidia-cublas wheel puts in site-packages/nvidia/cublas/lib.");
                case NativeLibraryNotFoundException notFound:
                    return notFound.Kind == NativeLibraryKind.CudaDriver
                        ? new Failure(CudaDriverNotFound, FailureCategory.NotInstalled, notFound.Message, DriverInstallRemedy(isWindows))
                        : new Failure(NvmlNotFound, FailureCategory.NotInstalled, notFound.Message,
                            "NVML ships with the NVIDIA driver (libnvidia-ml.so.1, or nvml.dll on Windows). Reinstall the driver, or set $env:"
                            + LibraryCandidates.NvmlOverrideVariable + " to the library's full path.");
                case NativeEntryPointMissingException missing:
                    return new Failure(CudaDriverTooOld, FailureCategory.NotInstalled, missing.Message,
                        "Update the NVIDIA driver to a current release (any R525 or newer driver has every function this module uses), then open a new PowerShell session.");
                case CudaException cuda:
                    return ClassifyCuda(cuda, getVariable);
                case CuBlasException cublas:
                    return new Failure(CuBlasCallFailed, FailureCategory.DeviceError, cublas.Message,
                        cublas.Status == CuBlasStatus.CUBLAS_STATUS_ALLOC_FAILED ? "Free GPU memory (other processes: see Get-CudaDevice's Processes) or use a smaller size." : "Check that the cuBLAS version suits the driver (Test-CuDnnInstall) and that the GPU is healthy.");
                case Benchmarks.MatMulTooLargeException tooLarge:
                    return new Failure(MatMulTooLarge, FailureCategory.ResourceUnavailable, tooLarge.Message, "Use a smaller -Size (memory grows with its square), or free GPU memory used by other processes.");
                case Benchmarks.MatMulVerificationException wrong:
                    return new Failure(MatMulVerificationFailed, FailureCategory.InvalidResult, wrong.Message,
                        "The GPU computed a wrong product: do not trust this card or driver for training. Run it again; if it repeats, check nvidia-smi -q for ECC errors and the driver install (Test-CuDnnInstall).");
                case Benchmarks.MatMulTypeNotSupportedException unsupported:
                    return new Failure(MatMulTypeNotSupported, FailureCategory.NotImplemented, unsupported.Message, "Measure a data type this GPU supports (FP32, and FP16 from Pascal; TF32 and BF16 from Ampere; FP8 from Ada and Hopper).");
                case DlGpuToolsException described:
                    return new Failure(described.ErrorId, described.Category, described.Message, described.Remedy);
                case NvmlException nvml:
                    return new Failure(NvmlCallFailed, FailureCategory.DeviceError, nvml.Message, NvmlRemedy(nvml.Result));
                case PlatformNotSupportedException platform:
                    return new Failure(UnsupportedProcess, FailureCategory.NotImplemented, platform.Message, "Run a 64-bit PowerShell.");
                default:
                    return Bandwidth.BandwidthFailures.Classify(exception);
            }
        }

        private static Failure ClassifyCuda(CudaException cuda, Func<string, string?> getVariable)
        {
            switch (cuda.Result)
            {
                case CudaResult.CUDA_ERROR_NO_DEVICE:
                    string? visible = getVariable("CUDA_VISIBLE_DEVICES");
                    string hint = visible == null
                        ? "Check that nvidia-smi lists a GPU. In a container, start it with the GPU passed in (docker run --gpus all)."
                        : $"CUDA_VISIBLE_DEVICES is '{visible}', which may hide every GPU: unset it or name a device nvidia-smi -L lists. Check that nvidia-smi lists a GPU.";
                    return new Failure(CudaDeviceNotFound, FailureCategory.ResourceUnavailable,
                        "The CUDA driver is installed but reports no CUDA-capable device (" + cuda.ErrorName + ": " + cuda.ErrorText + ").", hint);
                case CudaResult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH:
                    return new Failure(CudaDriverInitFailed, FailureCategory.NotInstalled, cuda.Message,
                        "The driver's user-space libraries and its kernel module differ in version, usually after a driver update without a reboot. Reboot (or reload the nvidia kernel modules).");
                case CudaResult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE:
                    return new Failure(CudaDriverInitFailed, FailureCategory.NotInstalled, cuda.Message,
                        "A forward-compatibility libcuda (cuda-compat package) was loaded on a GPU that does not support it. Remove the cuda-compat folder from the library search path, or update the host driver.");
                case CudaResult.CUDA_ERROR_SYSTEM_NOT_READY:
                    return new Failure(CudaDriverInitFailed, FailureCategory.ResourceUnavailable, cuda.Message,
                        "On NVSwitch systems (HGX/DGX) the nvidia-fabricmanager service must run: install the version matching the driver and start it.");
                case CudaResult.CUDA_ERROR_UNKNOWN:
                    return new Failure(CudaDriverInitFailed, FailureCategory.ResourceUnavailable, cuda.Message,
                        "Often the nvidia_uvm module is in a bad state (after suspend/resume) or /dev/nvidia-uvm is missing in a container. Reload it: sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm, or reboot.");
                case CudaResult.CUDA_ERROR_STUB_LIBRARY:
                    return new Failure(CudaDriverNotFound, FailureCategory.NotInstalled, cuda.Message,
                        "The CUDA toolkit's stub libcuda.so was loaded instead of the driver. Remove the toolkit's stubs folder from LD_LIBRARY_PATH.");
                default:
                    if (cuda.Call != null && cuda.Call.IndexOf("Init", StringComparison.Ordinal) >= 0)
                        return new Failure(CudaDriverInitFailed, FailureCategory.DeviceError, cuda.Message, "Check that nvidia-smi works; reinstall the NVIDIA driver if it does not.");
                    return new Failure(CudaCallFailed, FailureCategory.DeviceError, cuda.Message, "Check that nvidia-smi works and the GPU is healthy (nvidia-smi -q shows its state).");
            }
        }

        private static bool IsToolkit(NativeLibraryKind kind) =>
            kind == NativeLibraryKind.CudaRuntime || kind == NativeLibraryKind.CuBlas || kind == NativeLibraryKind.CuDnn;

        /// <summary>
        /// What to do about a library file the loader refused: correct the override variable that points at it,
        /// or replace the file (or take its folder off the search path) when the search found it.
        /// </summary>
        internal static string RefusedFileRemedy(ProbeAttempt refused, NativeLibraryKind kind, bool isWindows)
        {
            string file = refused.RefusedFile;
            if (refused.FromOverride)
            {
                string variable = LibraryCandidates.OverrideVariable(kind);
                return "$env:" + variable + $" points at {file}, which the loader cannot load. Point it at a good copy of the library (the full path of the file itself), or remove it ($env:{variable} = $null) so the standard places are searched.";
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
                ? "Install the NVIDIA display driver for your GPU (https://www.nvidia.com/drivers), which puts nvcuda.dll in System32, then open a new PowerShell window."
                : "Install the NVIDIA driver (Ubuntu: sudo ubuntu-drivers install; others: the distribution's nvidia-driver package), reboot, and check that nvidia-smi works. "
                  + "On WSL, install the Windows NVIDIA driver: it provides /usr/lib/wsl/lib/libcuda.so.1. "
                  + "If the driver is in an unusual place, set $env:" + LibraryCandidates.CudaDriverOverrideVariable + " to the full path of libcuda.so.1.";
        }

        private static string NvmlRemedy(NvmlReturn result)
        {
            switch (result)
            {
                case NvmlReturn.NVML_ERROR_LIB_RM_VERSION_MISMATCH:
                    return "The NVML library and the loaded kernel module differ in version (a driver update without reboot). Reboot.";
                case NvmlReturn.NVML_ERROR_DRIVER_NOT_LOADED:
                    return "The NVIDIA kernel module is not loaded. Check nvidia-smi; after a kernel update, rebuild it (DKMS) or reinstall the driver.";
                case NvmlReturn.NVML_ERROR_NO_PERMISSION:
                    return "Run as a user who may open /dev/nvidia* (the video group on some distributions).";
                default:
                    return "Check that nvidia-smi works.";
            }
        }
    }
}
