using System;
using System.Collections.Generic;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// The check after a copy or a kernel: sampled 16-byte elements of a buffer (the first, the last and random
    /// others) read back and compared word by word with what the work must have left there. Sampling keeps the
    /// check's cost independent of the buffer size; the first and last element catch an off-by-one in either end.
    /// </summary>
    internal static unsafe class SampledWords
    {
        /// <summary>The elements to check: 0, n - 1, and <paramref name="samples"/> others drawn from <paramref name="seed"/>.</summary>
        public static IEnumerable<ulong> Elements(ulong n, int samples, int seed)
        {
            yield return 0;
            if (n > 1) yield return n - 1;
            var random = new Random(seed);
            for (int i = 0; i < samples && n > 2; i++)
                yield return (ulong)(random.NextDouble() * (n - 2)) + 1;
        }

        /// <summary>Reads each element of device memory with a synchronous copy (the work must be finished) and compares it.</summary>
        public static WordCheck OnDevice(IGpuPort port, ulong pointer, IEnumerable<ulong> elements, Func<ulong, uint> expected)
        {
            uint* words = stackalloc uint[4];
            var check = new WordCheck();
            foreach (ulong element in elements)
            {
                port.CopyToHostNow((IntPtr)words, pointer + element * 16, 16);
                for (ulong w = 0; w < 4; w++) check.Add(element * 4 + w, words[w], expected(element * 4 + w));
                check.Elements++;
            }

            return check;
        }

        /// <summary>The same check of host memory the work wrote (page-locked or pageable), read directly.</summary>
        public static WordCheck OnHost(IntPtr pointer, IEnumerable<ulong> elements, Func<ulong, uint> expected)
        {
            uint* words = (uint*)pointer;
            var check = new WordCheck();
            foreach (ulong element in elements)
            {
                for (ulong w = 0; w < 4; w++) check.Add(element * 4 + w, words[element * 4 + w], expected(element * 4 + w));
                check.Elements++;
            }

            return check;
        }
    }

    /// <summary>What a sampled check found: elements read, words wrong, and the first wrong word.</summary>
    internal sealed class WordCheck
    {
        public int Elements { get; set; }

        public long WrongWords { get; private set; }

        public ulong? FirstWrongWord { get; private set; }

        public uint FirstActual { get; private set; }

        public uint FirstExpected { get; private set; }

        public bool Passed => WrongWords == 0;

        public void Add(ulong word, uint actual, uint expected)
        {
            if (actual == expected) return;
            if (WrongWords++ == 0)
            {
                FirstWrongWord = word;
                FirstActual = actual;
                FirstExpected = expected;
            }
        }
    }
}
