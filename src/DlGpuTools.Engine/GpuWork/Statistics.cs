using System;
using System.Collections.Generic;

namespace DlGpuTools.GpuWork
{
    /// <summary>Small statistics the benchmarks and the health checks share.</summary>
    internal static class Statistics
    {
        /// <summary>The median of values in any order.</summary>
        public static double Median(IReadOnlyList<double> values)
        {
            if (values == null || values.Count == 0) throw new ArgumentException("At least one value is needed.", nameof(values));
            var sorted = new List<double>(values);
            sorted.Sort();
            return MedianOfSorted(sorted);
        }

        /// <summary>The median of values already in ascending order: the mean of the middle two for an even count.</summary>
        public static double MedianOfSorted(IReadOnlyList<double> sorted)
        {
            if (sorted == null || sorted.Count == 0) throw new ArgumentException("At least one value is needed.", nameof(sorted));
            int middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }
}
