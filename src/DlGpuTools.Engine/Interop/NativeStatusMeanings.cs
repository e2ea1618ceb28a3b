using System;
using System.Collections.Generic;
using DlGpuTools.Errors;
using static DlGpuTools.Errors.FailureCategory;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// What the native status codes mean for a user, as data: each code a library can return maps to its
    /// <see cref="ErrorCatalogue"/> entry, its category and the next step, so an exception knows all three when it is
    /// thrown. Codes not listed take the entry's own category and remedy. Remedies follow the install failures users
    /// report most in public issue trackers (for example https://github.com/NVIDIA/nvidia-docker/issues/498 and
    /// https://github.com/pytorch/pytorch/issues/167244).
    /// </summary>
    internal static class NativeStatusMeanings
    {
        private static readonly Dictionary<CudaResult, ErrorMeaning> Cuda = new Dictionary<CudaResult, ErrorMeaning>
        {
            [CudaResult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH] = new ErrorMeaning(ErrorCatalogue.CudaDriverInitFailed, NotInstalled,
                "The driver's user-space libraries and its kernel module differ in version, usually after a driver update without a "
                + "reboot. Reboot (or reload the nvidia kernel modules)."),
            [CudaResult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE] = new ErrorMeaning(ErrorCatalogue.CudaDriverInitFailed, NotInstalled,
                "A forward-compatibility libcuda (cuda-compat package) was loaded on a GPU that does not support it. Remove the "
                + "cuda-compat folder from the library search path, or update the host driver."),
            [CudaResult.CUDA_ERROR_SYSTEM_NOT_READY] = new ErrorMeaning(ErrorCatalogue.CudaDriverInitFailed, ResourceUnavailable,
                "On NVSwitch systems (HGX/DGX) the nvidia-fabricmanager service must run: install the version matching the driver and "
                + "start it."),
            [CudaResult.CUDA_ERROR_UNKNOWN] = new ErrorMeaning(ErrorCatalogue.CudaDriverInitFailed, ResourceUnavailable,
                "Often the nvidia_uvm module is in a bad state (after suspend/resume) or /dev/nvidia-uvm is missing in a container. "
                + "Reload it: sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm, or reboot."),
            [CudaResult.CUDA_ERROR_STUB_LIBRARY] = new ErrorMeaning(ErrorCatalogue.CudaDriverNotFound, NotInstalled,
                "The CUDA toolkit's stub libcuda.so was loaded instead of the driver. Remove the toolkit's stubs folder from "
                + "LD_LIBRARY_PATH."),
        };

        private static readonly Dictionary<NvmlReturn, string> Nvml = new Dictionary<NvmlReturn, string>
        {
            [NvmlReturn.NVML_ERROR_LIB_RM_VERSION_MISMATCH] =
                "The NVML library and the loaded kernel module differ in version (a driver update without reboot). Reboot.",
            [NvmlReturn.NVML_ERROR_DRIVER_NOT_LOADED] =
                "The NVIDIA kernel module is not loaded. Check nvidia-smi; after a kernel update, rebuild it (DKMS) or reinstall the "
                    + "driver.",
            [NvmlReturn.NVML_ERROR_NO_PERMISSION] = "Run as a user who may open /dev/nvidia* (the video group on some distributions).",
        };

        private static readonly Dictionary<CuBlasStatus, string> CuBlas = new Dictionary<CuBlasStatus, string>
        {
            [CuBlasStatus.CUBLAS_STATUS_ALLOC_FAILED] =
                "Free GPU memory (other processes: see Get-CudaDevice's Processes) or use a smaller size.",
        };

        private static readonly Dictionary<NcclResult, ErrorMeaning> Nccl = new Dictionary<NcclResult, ErrorMeaning>
        {
            [NcclResult.ncclSystemError] = new ErrorMeaning(ErrorCatalogue.NcclCallFailed, ResourceUnavailable,
                "A system call or the network failed (often shared memory too small in a container, or a blocked port): run with "
                + "NCCL_DEBUG=INFO to see which, give containers --ipc=host or a larger /dev/shm, and check NCCL_SOCKET_IFNAME."),
            [NcclResult.ncclRemoteError] = new ErrorMeaning(ErrorCatalogue.NcclCallFailed, ResourceUnavailable,
                "Another rank failed or went away: check the other ranks' processes and hosts, then run again."),
            [NcclResult.ncclUnhandledCudaError] = new ErrorMeaning(ErrorCatalogue.NcclCallFailed, DeviceError,
                "A CUDA call inside NCCL failed: check the GPUs with Test-GpuHealth and nvidia-smi, and that NCCL suits the driver's "
                + "CUDA version."),
            [NcclResult.ncclInvalidArgument] = new ErrorMeaning(ErrorCatalogue.NcclCallFailed, InvalidArgument, NcclRefusedArguments),
            [NcclResult.ncclInvalidUsage] = new ErrorMeaning(ErrorCatalogue.NcclCallFailed, InvalidArgument, NcclRefusedArguments),
        };

        private const string NcclRefusedArguments = "NCCL refused the call's arguments; this is a bug in DlGpuTools if the command's own "
            + "parameters were valid: report it with NCCL_DEBUG=WARN output.";

        /// <summary>
        /// A CUresult: CUDA_ERROR_NO_DEVICE reads CUDA_VISIBLE_DEVICES (which may hide every GPU); a code not listed is an
        /// init failure when cuInit returned it and a failed call otherwise.
        /// </summary>
        public static ErrorMeaning Of(CudaResult result, string? call, ErrorHost host)
        {
            if (result == CudaResult.CUDA_ERROR_NO_DEVICE) return NoDevice(host.GetVariable("CUDA_VISIBLE_DEVICES"));
            if (Cuda.TryGetValue(result, out ErrorMeaning listed)) return listed;
            ErrorEntry entry = call != null && call.IndexOf("Init", StringComparison.Ordinal) >= 0
                ? ErrorCatalogue.CudaDriverInitFailed
                : ErrorCatalogue.CudaCallFailed;
            return new ErrorMeaning(entry, DeviceError, entry.Remedy);
        }

        public static ErrorMeaning Of(NvmlReturn result) =>
            new ErrorMeaning(ErrorCatalogue.NvmlCallFailed, Nvml.TryGetValue(result, out string remedy)
                ? remedy
                : ErrorCatalogue.NvmlCallFailed.Remedy);

        public static ErrorMeaning Of(CuBlasStatus status) =>
            new ErrorMeaning(ErrorCatalogue.CuBlasCallFailed, CuBlas.TryGetValue(status, out string remedy)
                ? remedy
                : ErrorCatalogue.CuBlasCallFailed.Remedy);

        public static ErrorMeaning Of(NcclResult result) =>
            Nccl.TryGetValue(result, out ErrorMeaning listed)
                ? listed
                : new ErrorMeaning(ErrorCatalogue.NcclCallFailed, ErrorCatalogue.NcclCallFailed.Remedy);

        private static ErrorMeaning NoDevice(string? visible) => new ErrorMeaning(ErrorCatalogue.CudaDeviceNotFound, ResourceUnavailable,
            visible == null
                ? "Check that nvidia-smi lists a GPU. In a container, start it with the GPU passed in (docker run --gpus all)."
                : $"CUDA_VISIBLE_DEVICES is '{visible}', which may hide every GPU: unset it or name a device nvidia-smi -L lists. Check "
                  + "that nvidia-smi lists a GPU.");
    }
}
