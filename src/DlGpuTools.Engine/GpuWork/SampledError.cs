using System;

namespace DlGpuTools.GpuWork
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

        /// <summary>Whether the sampled result may be reported: every element written and the error within <paramref
        /// name="tolerance"/>.</summary>
        public bool Passes(double tolerance) => Unwritten == 0 && RelativeError <= tolerance;

        /// <summary>What is wrong with the result, in the words the benchmarks and the health checks report; null when it passes.</summary>
        public string? Failure(string problem, double tolerance) =>
            Passes(tolerance) ? null
            : Unwritten > 0 ? $"{problem}: {Unwritten} sampled element(s) of C were not written (still the poison value)."
            : $"{problem}: relative error {RelativeError:E2} against a double-precision reference exceeds the tolerance {tolerance:E1}.";
    }
}
