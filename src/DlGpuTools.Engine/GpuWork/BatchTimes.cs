using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// The figures every benchmark reports from its timed batches (each a per-operation mean in milliseconds): the
    /// median, the headline, and the fastest and slowest batch with the spread between them.
    /// </summary>
    internal readonly struct BatchTimes
    {
        public BatchTimes(IEnumerable<double> perOperationMs)
        {
            double[] sorted = (perOperationMs ?? throw new ArgumentNullException(nameof(perOperationMs))).OrderBy(t => t).ToArray();
            if (sorted.Length == 0) throw new ArgumentException("At least one timed batch is needed.", nameof(perOperationMs));
            Median = Statistics.MedianOfSorted(sorted);
            Fastest = sorted[0];
            Slowest = sorted[sorted.Length - 1];
        }

        public double Median { get; }

        public double Fastest { get; }

        public double Slowest { get; }

        /// <summary>(slowest - fastest) / median, in percent.</summary>
        public double SpreadPercent => 100 * (Slowest - Fastest) / Median;
    }
}
