using System;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The check both GEMM benchmarks make of sampled output elements against a double-precision reference: the
    /// relative error over the samples, sqrt(sum (c - ref)^2 / sum ref^2), with an element still holding its poison
    /// (NaN: the library never wrote it) counted apart, since it is a missing result rather than an inexact one.
    /// </summary>
    internal struct SampledError
    {
        private double _diff;
        private double _norm;

        public int Unwritten { get; private set; }

        public void Add(double value, double reference)
        {
            if (double.IsNaN(value))
            {
                Unwritten++;
                return;
            }

            _diff += (value - reference) * (value - reference);
            _norm += reference * reference;
        }

        public double RelativeError => _norm > 0 ? Math.Sqrt(_diff / _norm) : Math.Sqrt(_diff);

        /// <summary>The relative error, or a <see cref="MatMulVerificationException"/> when an element is missing or the error is over <paramref name="tolerance"/>.</summary>
        public double Check(string problem, double tolerance)
        {
            double error = RelativeError;
            if (Unwritten > 0 || !(error <= tolerance)) throw new MatMulVerificationException(problem, error, tolerance, Unwritten);
            return error;
        }
    }
}
