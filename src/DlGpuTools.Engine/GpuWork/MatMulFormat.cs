using System;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>How one data type maps onto cuBLASLt: operand types, compute type, sizes and the accuracy to expect.</summary>
    internal sealed unsafe class MatMulFormat
    {
        public MatMulDataType Type;
        public CudaDataType InputType;
        public CudaDataType OutputType;
        public CuBlasComputeType Compute;
        public CudaDataType ScaleType;
        public int InputBytes;
        public int OutputBytes;

        /// <summary>FP8 GEMMs need A transposed ("TN"); the others use the layout PyTorch's matmul produces ("NN").</summary>
        public bool TransposeA;

        /// <summary>Unit roundoff of the output format: C is rounded to it once, the error every correct path has.</summary>
        public double OutputRoundoff;

        /// <summary>
        /// Unit roundoff of a conversion the GPU makes on the fly and may round differently from us (TF32: FP32
        /// data cut to a 10-bit mantissa inside the tensor core); 0 where the reference sees exactly the stored inputs.
        /// </summary>
        public double ConversionRoundoff;

        /// <summary>Unit roundoff of the accumulator (FP64 or FP32).</summary>
        public double AccumulatorRoundoff;

        /// <summary>Minimum compute capability (major*10+minor).</summary>
        public int MinimumComputeCapability;

        /// <summary>How the GPU accumulates, as shown in every result.</summary>
        public string AccumulationText(bool fast)
        {
            switch (Type)
            {
                case MatMulDataType.FP64: return "FP64";
                case MatMulDataType.TF32: return "FP32 (TF32 inputs)";
                case MatMulDataType.FP8: return fast ? "FP32 fast (FP8 tensor-core partial sums)" : "FP32";
                default: return "FP32";
            }
        }

        /// <summary>
        /// Largest acceptable ||C - ref|| / ||ref|| over the sampled elements, for random inputs in [-1, 1) and a
        /// double reference computed from exactly the values the GPU stores:
        ///   output rounding (u_out) + on-the-fly input conversion (u_conv, TF32 only)
        ///   + 4 sqrt(K) u_acc (a sum of K rounded terms of random sign grows like sqrt(K); 4 covers the spread
        ///     of 64 samples and the CPU reference's own rounding)
        ///   + for FP8, the tensor core's short partial sums (about 14 bits, DeepSeek-V3 technical report,
        ///     2024-12, section 3.3.2): over K with fast accumulation, over 128-element chunks without it.
        /// Each term is a unit roundoff, so a path that rounds the inputs more coarsely than the type promises
        /// fails: at K = 8192 strict FP32 allows 2.2E-5 where TF32 inputs give about 2E-4, and TF32 allows
        /// 5.1E-4 where BF16 inputs give about 2E-3 (MatMulToleranceTests checks both on the fake cuBLASLt).
        /// </summary>
        public double Tolerance(long k, bool fastAccumulation)
        {
            double tolerance = OutputRoundoff + ConversionRoundoff + 4 * Math.Sqrt(k) * AccumulatorRoundoff;
            if (Type == MatMulDataType.FP8)
                tolerance += 4 * Math.Sqrt(fastAccumulation ? k : Math.Min(k, Fp8PromotionInterval)) * Fp8PartialSumRoundoff;
            return tolerance;
        }

        /// <summary>Relative precision of the FP8 tensor core's partial sums (about 14 significant bits).</summary>
        internal static readonly double Fp8PartialSumRoundoff = Math.Pow(2, -14);

        /// <summary>
        /// Elements of K after which cuBLASLt adds FP8 partial sums into the FP32 accumulator (without fast accumulation).
        /// </summary>
        internal const int Fp8PromotionInterval = 128;

        private static readonly double U64 = Math.Pow(2, -53), U32 = Math.Pow(2, -24), U11 = Math.Pow(2, -11), U8 = Math.Pow(2, -8);

        public static MatMulFormat For(MatMulDataType type)
        {
            switch (type)
            {
                case MatMulDataType.FP64:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_64F, OutputType = CudaDataType.CUDA_R_64F,
                        Compute = CuBlasComputeType.CUBLAS_COMPUTE_64F, ScaleType = CudaDataType.CUDA_R_64F, InputBytes = 8,
                        OutputBytes = 8, OutputRoundoff = U64, AccumulatorRoundoff = U64 };
                case MatMulDataType.FP32:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_32F, OutputType = CudaDataType.CUDA_R_32F,
                        Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 4,
                        OutputBytes = 4, OutputRoundoff = U32, AccumulatorRoundoff = U32 };
                case MatMulDataType.TF32:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_32F, OutputType = CudaDataType.CUDA_R_32F,
                        Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 4,
                        OutputBytes = 4, OutputRoundoff = U32, ConversionRoundoff = U11, AccumulatorRoundoff = U32,
                            MinimumComputeCapability = 80 };
                case MatMulDataType.FP16:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_16F, OutputType = CudaDataType.CUDA_R_16F,
                        Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 2,
                        OutputBytes = 2, OutputRoundoff = U11, AccumulatorRoundoff = U32, MinimumComputeCapability = 53 };
                case MatMulDataType.BF16:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_16BF, OutputType = CudaDataType.CUDA_R_16BF,
                        Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 2,
                        OutputBytes = 2, OutputRoundoff = U8, AccumulatorRoundoff = U32, MinimumComputeCapability = 80 };
                case MatMulDataType.FP8:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_8F_E4M3, OutputType = CudaDataType.CUDA_R_16BF,
                        Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 1,
                        OutputBytes = 2, TransposeA = true, OutputRoundoff = U8, AccumulatorRoundoff = U32, MinimumComputeCapability = 89 };
                default:
                    throw new ArgumentOutOfRangeException(nameof(type));
            }
        }

        /// <summary>Rounds a value to what this format stores, and writes it at the given element.</summary>
        public double Store(float value, byte* buffer, long index)
        {
            switch (InputType)
            {
                case CudaDataType.CUDA_R_64F: ((double*)buffer)[index] = value; return value;
                case CudaDataType.CUDA_R_32F:
                    ((float*)buffer)[index] = value;
                    return Type == MatMulDataType.TF32 ? NumberFormats.ToTf32(value) : value;
                case CudaDataType.CUDA_R_16F:
                {
                    ushort h = NumberFormats.ToHalf(value);
                    ((ushort*)buffer)[index] = h;
                    return NumberFormats.FromHalf(h);
                }

                case CudaDataType.CUDA_R_16BF:
                {
                    ushort b = NumberFormats.ToBFloat16(value);
                    ((ushort*)buffer)[index] = b;
                    return NumberFormats.FromBFloat16(b);
                }

                default:
                {
                    byte e = NumberFormats.ToE4M3(value);
                    buffer[index] = e;
                    return NumberFormats.FromE4M3(e);
                }
            }
        }

        /// <summary>The value the GPU sees for an input: rounded to this format (and to TF32 where the math does).</summary>
        public double Round(float value)
        {
            switch (InputType)
            {
                case CudaDataType.CUDA_R_64F: return value;
                case CudaDataType.CUDA_R_32F: return Type == MatMulDataType.TF32 ? NumberFormats.ToTf32(value) : value;
                case CudaDataType.CUDA_R_16F: return NumberFormats.FromHalf(NumberFormats.ToHalf(value));
                case CudaDataType.CUDA_R_16BF: return NumberFormats.FromBFloat16(NumberFormats.ToBFloat16(value));
                default: return NumberFormats.FromE4M3(NumberFormats.ToE4M3(value));
            }
        }

        /// <summary>Reads one output element (as written by the GPU) as a double.</summary>
        public double Load(byte* element)
        {
            switch (OutputType)
            {
                case CudaDataType.CUDA_R_64F: return *(double*)element;
                case CudaDataType.CUDA_R_32F: return *(float*)element;
                case CudaDataType.CUDA_R_16F: return NumberFormats.FromHalf(*(ushort*)element);
                default: return NumberFormats.FromBFloat16(*(ushort*)element);
            }
        }
    }
}
