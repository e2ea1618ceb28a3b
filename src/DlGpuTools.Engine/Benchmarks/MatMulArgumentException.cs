using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// A GEMM benchmark asked for in a way that cannot be run as given (the problem size named twice or in part, an
    /// option for a data type not asked for, a GPU type for the CPU): the user's to change before anything runs.
    /// </summary>
    public sealed class MatMulArgumentException : DlGpuToolsException
    {
        private const string ShapeRemedy =
            "Use -Size 4096 for a square GEMM, -Sweep for a range of square sizes, or -M 4096 -N 16384 -K 4096 for one shape.";

        /// <summary>InvalidArgument even for MatMulTypeNotSupported: the type was asked of a benchmark that never runs it.</summary>
        private MatMulArgumentException(ErrorEntry entry, string message, string remedy)
            : base(entry, FailureCategory.InvalidArgument, message, remedy, null)
        {
        }

        public static MatMulArgumentException ShapeConflict() => new MatMulArgumentException(ErrorCatalogue.MatMulShapeConflict,
            "-Size (square problems, or -Sweep) and -M, -N, -K (one M x K by K x N problem) describe the problem size twice.", ShapeRemedy);

        public static MatMulArgumentException ShapeIncomplete() => new MatMulArgumentException(ErrorCatalogue.MatMulShapeIncomplete,
            "-M, -N and -K describe one problem together: give all three.", ShapeRemedy);

        /// <summary>
        /// Fast accumulation exists for FP8 only: asking for it without FP8 among <paramref name="types"/> is a mistake to point
        /// out, not to ignore.
        /// </summary>
        public static void RefuseFastAccumulationWithoutFp8(bool fastAccumulation, IEnumerable<MatMulDataType> types)
        {
            if (fastAccumulation && !(types ?? throw new ArgumentNullException(nameof(types))).Contains(MatMulDataType.FP8))
                throw FastAccumulationWithoutFp8();
        }

        public static MatMulArgumentException FastAccumulationWithoutFp8() =>
            new MatMulArgumentException(ErrorCatalogue.FastAccumulationNeedsFP8,
            "-FastAccumulation applies to FP8 only, and -DataType does not include FP8.",
            "Add FP8 to -DataType (for example -DataType FP8 -FastAccumulation), or leave -FastAccumulation out.");

        /// <summary>A GPU-only type asked of the CPU benchmark; the remedy names what the command can do instead.</summary>
        public static MatMulArgumentException NotACpuType(MatMulDataType type, string remedy) =>
            new MatMulArgumentException(ErrorCatalogue.MatMulTypeNotSupported,
            "The CPU benchmark measures FP64, FP32 and BF16; " + type + " is a GPU type.", remedy);
    }

    /// <summary>
    /// The CPU's BLAS cannot run a type it was asked for (BF16 without MKL or an sbgemm OpenBLAS): the GPU wording of
    /// MatMulTypeNotSupported speaks of GPU generations, so the CPU's failure carries the CPU's remedy.
    /// </summary>
    public sealed class CpuMatMulTypeException : DlGpuToolsException
    {
        public CpuMatMulTypeException(string message)
            : base(ErrorCatalogue.MatMulTypeNotSupported, message,
                "Measure FP32 or FP64 on this CPU; BF16 needs MKL (or PyTorch's MKL) or an OpenBLAS built with sbgemm, on a CPU with "
                    + "AVX512-BF16 or AMX.")
        {
        }
    }

    /// <summary>-Library named a BLAS family or file that is not on this machine.</summary>
    public sealed class CpuBlasNotFoundException : DlGpuToolsException
    {
        public CpuBlasNotFoundException(string library, string searched)
            : base(ErrorCatalogue.CpuBlasNotFound,
                "No CPU BLAS matching -Library '" + library + "' could be loaded. Searched:\n"
                + searched,
                "Name a family found on this machine (Tab completes -Library), a library file that exists, or leave -Library out to use "
                    + "the best BLAS found. "
                + CpuMatMulBenchmark.BlasRemedy())
        {
        }
    }
}
