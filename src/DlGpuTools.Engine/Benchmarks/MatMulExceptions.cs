using DlGpuTools.Errors;

namespace DlGpuTools.Benchmarks
{
    /// <summary>The problem does not fit in the GPU's free memory.</summary>
    public sealed class MatMulTooLargeException : DlGpuToolsException
    {
        public MatMulTooLargeException(string problem, ulong neededBytes, ulong freeBytes)
            : base(ErrorCatalogue.MatMulTooLarge, $"{problem} needs {neededBytes / 1048576.0:N0} MiB of GPU memory (A, B, C and the "
                + $"cuBLASLt workspace); {freeBytes / 1048576.0:N0} MiB are free.")
        {
            NeededBytes = neededBytes;
            FreeBytes = freeBytes;
        }

        public ulong NeededBytes { get; }

        public ulong FreeBytes { get; }
    }

    /// <summary>The GEMM's result is wrong: a number that must not be reported.</summary>
    public sealed class MatMulVerificationException : DlGpuToolsException
    {
        public MatMulVerificationException(string problem, double relativeError, double tolerance, int unwritten)
            : base(ErrorCatalogue.MatMulVerificationFailed, unwritten > 0
                ? $"{problem}: {unwritten} sampled element(s) of C were not written (still the poison value)."
                : $"{problem}: relative error {relativeError:E2} against a double-precision reference exceeds the "
                    + $"tolerance {tolerance:E1}.")
        {
            RelativeError = relativeError;
            Tolerance = tolerance;
            Unwritten = unwritten;
        }

        public double RelativeError { get; }

        public double Tolerance { get; }

        public int Unwritten { get; }
    }

    /// <summary>The GPU or cuBLASLt cannot run this data type (no candidate algorithm, or compute capability too low).</summary>
    public sealed class MatMulTypeNotSupportedException : DlGpuToolsException
    {
        public MatMulTypeNotSupportedException(string message)
            : base(ErrorCatalogue.MatMulTypeNotSupported, message)
        {
        }
    }
}
