using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The GEMM problems a command's shape parameters describe, by one rule for the GPU and the CPU benchmark: -M, -N
    /// and -K together name one problem; else -Size names square ones (or -Sweep a range). Naming the size both ways,
    /// or -M/-N/-K in part, is refused with MatMulArgumentException before anything runs.
    /// </summary>
    public static class MatMulShapes
    {
        /// <summary>The square sizes of -Sweep: a decade of GEMMs from launch-bound to compute-bound.</summary>
        public static IReadOnlyList<int> SweepSizes { get; } = new[] { 256, 512, 1024, 2048, 4096, 8192, 16384 };

        /// <summary>
        /// The problems, from the parameters the user gave (null: not given). <paramref name="sizes"/> is -Size as given,
        /// null when left to <paramref name="defaultSizes"/>.
        /// </summary>
        public static IReadOnlyList<(long M, long N, long K)> Resolve(int? m, int? n, int? k, IReadOnlyList<int>? sizes, bool sweep,
            IReadOnlyList<int> defaultSizes)
        {
            int parts = new[] { m, n, k }.Count(p => p != null);
            if (parts > 0 && (sizes != null || sweep)) throw MatMulArgumentException.ShapeConflict();
            if (parts is 1 or 2) throw MatMulArgumentException.ShapeIncomplete();
            if (m is int rows && n is int columns && k is int inner) return new[] { ((long)rows, (long)columns, (long)inner) };
            IEnumerable<int> square = sizes ?? (sweep ? SweepSizes : defaultSizes);
            return Square(square);
        }

        public static IReadOnlyList<(long M, long N, long K)> Square(IEnumerable<int> sizes) => sizes.Select(s => ((long)s, (long)s,
            (long)s)).ToList();
    }
}
