using System;
using System.Threading.Tasks;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The data the kernels write and the engine checks: word k of a buffer is (k mod 2^32) * 0x9E3779B1 + seed
    /// (mod 2^32), as in BandwidthKernels.ptx. Neighbouring words always differ, so a skipped, shifted or
    /// unwritten element shows in a sampled check.
    /// </summary>
    internal static class BandwidthPattern
    {
        public const uint Multiplier = 0x9E3779B1;

        public static uint Word(ulong k, uint seed) => unchecked((uint)k * Multiplier + seed);

        /// <summary>The XOR of words [0, words) of the pattern: what the read kernel's blocks XOR to together.</summary>
        public static uint Xor(ulong words, uint seed)
        {
            const ulong chunk = 1UL << 22;
            ulong chunks = (words + chunk - 1) / chunk;
            uint result = 0;
            object gate = new object();
            Parallel.For(0L, (long)chunks, c =>
            {
                ulong first = (ulong)c * chunk, end = Math.Min(words, first + chunk);
                uint x = 0;
                for (ulong k = first; k < end; k++) x ^= Word(k, seed);
                lock (gate) result ^= x;
            });
            return result;
        }

        /// <summary>
        /// Fills host memory with the pattern on the calling thread alone (a few hundred ms for 512 MiB): the host
        /// tests call it from a thread bound to the GPU's CPUs, where the first touch of a pageable page places it,
        /// and worker threads would place pages wherever they run.
        /// </summary>
        public static unsafe void Fill(IntPtr host, ulong bytes, uint seed)
        {
            uint* words = (uint*)host;
            ulong count = bytes / 4;
            for (ulong k = 0; k < count; k++) words[k] = Word(k, seed);
        }
    }
}
