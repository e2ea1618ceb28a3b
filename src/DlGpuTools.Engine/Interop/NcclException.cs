using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>An NCCL call returned an error: its ncclResult_t, NCCL's own text for it, and the call that failed.</summary>
    internal sealed class NcclException : DlGpuToolsException
    {
        public const string CallFailedId = "NcclCallFailed";

        public NcclException(NcclResult result, string text, string call)
            : base(CallFailedId, CategoryOf(result), $"{call} failed with {result} ({(int)result}): {text}", RemedyOf(result))
        {
            Result = result;
            ErrorText = text;
            Call = call;
        }

        public NcclResult Result { get; }

        public string ErrorText { get; }

        public string Call { get; }

        private static FailureCategory CategoryOf(NcclResult result) =>
            result == NcclResult.ncclInvalidArgument || result == NcclResult.ncclInvalidUsage ? FailureCategory.InvalidArgument
            : result == NcclResult.ncclRemoteError || result == NcclResult.ncclSystemError ? FailureCategory.ResourceUnavailable
            : FailureCategory.DeviceError;

        private static string RemedyOf(NcclResult result)
        {
            switch (result)
            {
                case NcclResult.ncclSystemError:
                    return "A system call or the network failed (often shared memory too small in a container, or a blocked port): "
                        + "run with NCCL_DEBUG=INFO to see which, give containers --ipc=host or a larger /dev/shm, and check NCCL_SOCKET_IFNAME.";
                case NcclResult.ncclRemoteError:
                    return "Another rank failed or went away: check the other ranks' processes and hosts, then run again.";
                case NcclResult.ncclUnhandledCudaError:
                    return "A CUDA call inside NCCL failed: check the GPUs with Test-GpuHealth and nvidia-smi, and that NCCL suits the driver's CUDA version.";
                case NcclResult.ncclInvalidArgument:
                case NcclResult.ncclInvalidUsage:
                    return "NCCL refused the call's arguments; this is a bug in DlGpuTools if the command's own parameters were valid: report it with NCCL_DEBUG=WARN output.";
                default:
                    return "Run again with NCCL_DEBUG=INFO and check the NCCL version against the driver (Get-GpuReport shows both).";
            }
        }
    }
}
