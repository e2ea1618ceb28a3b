namespace DlGpuTools.Interop
{
    /// <summary>cublasStatus_t, with cuBLAS's own names and values (cublas_api.h).</summary>
    internal enum CuBlasStatus
    {
        CUBLAS_STATUS_SUCCESS = 0,
        CUBLAS_STATUS_NOT_INITIALIZED = 1,
        CUBLAS_STATUS_ALLOC_FAILED = 3,
        CUBLAS_STATUS_INVALID_VALUE = 7,
        CUBLAS_STATUS_ARCH_MISMATCH = 8,
        CUBLAS_STATUS_MAPPING_ERROR = 11,
        CUBLAS_STATUS_EXECUTION_FAILED = 13,
        CUBLAS_STATUS_INTERNAL_ERROR = 14,
        CUBLAS_STATUS_NOT_SUPPORTED = 15,
        CUBLAS_STATUS_LICENSE_ERROR = 16,
    }

    /// <summary>cudaDataType_t values used for GEMM operands (library_types.h).</summary>
    internal enum CudaDataType
    {
        CUDA_R_32F = 0,
        CUDA_R_64F = 1,
        CUDA_R_16F = 2,
        CUDA_R_16BF = 14,
        CUDA_R_8F_E4M3 = 28,
    }

    /// <summary>cublasComputeType_t values (cublas_api.h).</summary>
    internal enum CuBlasComputeType
    {
        CUBLAS_COMPUTE_32F = 68,
        CUBLAS_COMPUTE_32F_PEDANTIC = 69,
        CUBLAS_COMPUTE_64F = 70,
        CUBLAS_COMPUTE_32F_FAST_TF32 = 77,
    }

    /// <summary>The cublasLtMatmulDesc attributes the module sets (cublasLt.h).</summary>
    internal enum CuBlasLtMatmulDescAttribute
    {
        CUBLASLT_MATMUL_DESC_TRANSA = 3,
        CUBLASLT_MATMUL_DESC_TRANSB = 4,
        CUBLASLT_MATMUL_DESC_FAST_ACCUM = 25,
    }

    /// <summary>A cuBLAS or cuBLASLt call returned an error; carries the library's own name and text for the status.</summary>
    internal sealed class CuBlasException : DlGpuTools.Errors.DlGpuToolsException
    {
        public CuBlasException(CuBlasStatus status, string errorName, string errorText, string call)
            : this(status, errorName, errorText, call, NativeStatusMeanings.Of(status))
        {
        }

        private CuBlasException(CuBlasStatus status, string errorName, string errorText, string call,
            DlGpuTools.Errors.ErrorMeaning meaning)
            : base(meaning.Entry, meaning.Category, $"{call} failed with {errorName} ({(int)status}): {errorText}", meaning.Remedy, null)
        {
            Status = status;
            ErrorName = errorName;
            ErrorText = errorText;
            Call = call;
        }

        public CuBlasStatus Status { get; }

        public string ErrorName { get; }

        public string ErrorText { get; }

        public string Call { get; }
    }
}
