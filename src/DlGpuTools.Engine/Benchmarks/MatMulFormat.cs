using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Benchmarks
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

        /// <summary>Largest acceptable ||C - ref|| / ||ref|| on random inputs in [-1, 1).</summary>
        public double Tolerance;

        /// <summary>Minimum compute capability (major*10+minor).</summary>
        public int MinimumComputeCapability;

        public static MatMulFormat For(MatMulDataType type)
        {
            switch (type)
            {
                case MatMulDataType.FP64:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_64F, OutputType = CudaDataType.CUDA_R_64F, Compute = CuBlasComputeType.CUBLAS_COMPUTE_64F, ScaleType = CudaDataType.CUDA_R_64F, InputBytes = 8, OutputBytes = 8, Tolerance = 1e-12 };
                case MatMulDataType.FP32:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_32F, OutputType = CudaDataType.CUDA_R_32F, Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 4, OutputBytes = 4, Tolerance = 1e-5 };
                case MatMulDataType.TF32:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_32F, OutputType = CudaDataType.CUDA_R_32F, Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 4, OutputBytes = 4, Tolerance = 5e-3, MinimumComputeCapability = 80 };
                case MatMulDataType.FP16:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_16F, OutputType = CudaDataType.CUDA_R_16F, Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 2, OutputBytes = 2, Tolerance = 5e-3, MinimumComputeCapability = 53 };
                case MatMulDataType.BF16:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_16BF, OutputType = CudaDataType.CUDA_R_16BF, Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 2, OutputBytes = 2, Tolerance = 2e-2, MinimumComputeCapability = 80 };
                case MatMulDataType.FP8:
                    return new MatMulFormat { Type = type, InputType = CudaDataType.CUDA_R_8F_E4M3, OutputType = CudaDataType.CUDA_R_16BF, Compute = CuBlasComputeType.CUBLAS_COMPUTE_32F, ScaleType = CudaDataType.CUDA_R_32F, InputBytes = 1, OutputBytes = 2, TransposeA = true, Tolerance = 3e-2, MinimumComputeCapability = 89 };
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
