using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>ncclResult_t, with nccl.h's names and values (NVIDIA/nccl src/nccl.h.in).</summary>
    internal enum NcclResult
    {
        ncclSuccess = 0,
        ncclUnhandledCudaError = 1,
        ncclSystemError = 2,
        ncclInternalError = 3,
        ncclInvalidArgument = 4,
        ncclInvalidUsage = 5,
        ncclRemoteError = 6,
        ncclInProgress = 7,
    }

    /// <summary>ncclDataType_t values the module uses (nccl.h: ncclFloat16 6, ncclFloat32 7, ncclBfloat16 9 from NCCL 2.10).</summary>
    internal enum NcclDataType
    {
        ncclFloat16 = 6,
        ncclFloat32 = 7,
        ncclBfloat16 = 9,
    }

    /// <summary>ncclRedOp_t: only the sum is measured, as nccl-tests does by default.</summary>
    internal enum NcclRedOp
    {
        ncclSum = 0,
    }

    /// <summary>ncclUniqueId: NCCL_UNIQUE_ID_BYTES (128) opaque bytes, passed by value to ncclCommInitRank.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NcclUniqueId
    {
        public const int Bytes = 128;

        public fixed byte Internal[Bytes];
    }
}
