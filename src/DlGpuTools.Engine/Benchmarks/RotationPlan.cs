using System;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// How many sets of A, B and C a measurement rotates through, and where each set sits. Sized by bytes:
    /// the smallest count whose sets together exceed twice the L2 cache, so by the time a set comes round
    /// again everything it left in L2 has been evicted, and no call is timed out of cache. (A fixed count of
    /// sets is not enough: 16 sets of a 512 x 512 BF16 problem are 24 MiB, which an H100's 50 MiB L2 holds.)
    /// </summary>
    internal sealed class RotationPlan
    {
        private RotationPlan(ulong aStride, ulong bStride, ulong dStride, int sets, bool limitedByMemory)
        {
            AStride = aStride;
            BStride = bStride;
            DStride = dStride;
            Sets = sets;
            LimitedByMemory = limitedByMemory;
        }

        /// <summary>Bytes from one set of A to the next (A's size rounded up to the alignment); likewise B and C.</summary>
        public ulong AStride { get; }

        public ulong BStride { get; }

        public ulong DStride { get; }

        public int Sets { get; }

        /// <summary>Free memory allowed fewer sets than 2x L2 needs.</summary>
        public bool LimitedByMemory { get; }

        public ulong SetBytes => AStride + BStride + DStride;

        public ulong TotalBytes => SetBytes * (ulong)Sets;

        /// <summary>
        /// The sets for operands of <paramref name="aBytes"/>, <paramref name="bBytes"/> and <paramref name="dBytes"/>, each
        /// aligned to <paramref name="alignment"/>, on a GPU with <paramref name="l2Bytes"/> of L2. <paramref name="forcedSets"/>:
        /// 0 to size by bytes; a positive count for method experiments.
        /// </summary>
        public static RotationPlan For(ulong aBytes, ulong bBytes, ulong dBytes, ulong alignment, ulong l2Bytes, int forcedSets)
        {
            ulong a = RoundUp(aBytes, alignment), b = RoundUp(bBytes, alignment), d = RoundUp(dBytes, alignment);
            ulong set = a + b + d;
            int sets = forcedSets > 0 ? forcedSets : (int)Math.Min(int.MaxValue, 2 * l2Bytes / set + 1);
            return new RotationPlan(a, b, d, sets, false);
        }

        /// <summary>The same plan with at most as many sets as fit in the given bytes (at least one).</summary>
        public RotationPlan FitInto(ulong bytes)
        {
            ulong fit = Math.Max(1, bytes / SetBytes);
            return (ulong)Sets <= fit ? this : new RotationPlan(AStride, BStride, DStride, (int)fit, true);
        }

        private static ulong RoundUp(ulong value, ulong alignment) => (value + alignment - 1) / alignment * alignment;
    }
}
