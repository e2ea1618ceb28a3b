namespace DlGpuTools
{
    /// <summary>
    /// The GEMM precisions measured. Tensor-core types accumulate in FP32 (FP8 with fast accumulation keeps shorter partial sums first).
    /// </summary>
    public enum MatMulDataType
    {
        /// <summary>Double precision in and out (FP64 tensor cores on A100/H100).</summary>
        FP64,

        /// <summary>Single precision, strict: no TF32 shortcut.</summary>
        FP32,

        /// <summary>FP32 data through TF32 tensor cores (10-bit mantissa products).</summary>
        TF32,

        FP16,

        BF16,

        /// <summary>FP8 E4M3 inputs, BF16 output (compute capability 8.9 and newer).</summary>
        FP8,
    }
}
