using DlGpuTools.GpuWork;

namespace DlGpuTools.Benchmarks
{
    /// <summary>The benchmarks' rule for a sampled GEMM error: a wrong result is an error, never a number.</summary>
    internal static class SampledErrorCheck
    {
        /// <summary>The relative error, or a <see cref="MatMulVerificationException"/> when an element is missing or the error is over
        /// <paramref name="tolerance"/>.</summary>
        public static double Check(this SampledError error, string problem, double tolerance)
        {
            if (!error.Passes(tolerance)) throw new MatMulVerificationException(problem, error.RelativeError, tolerance, error.Unwritten);
            return error.RelativeError;
        }
    }
}
