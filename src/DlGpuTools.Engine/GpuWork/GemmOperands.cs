using System;
using System.Threading;
using System.Threading.Tasks;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// The random GEMM operands every GPU GEMM of the module uses (the benchmark, the health stress and the install
    /// check): values recomputable from a seed and an index, uploaded on the caller's stream.
    /// </summary>
    internal static unsafe class GemmOperands
    {
        /// <summary>Host memory used to upload many small sets in few copies.</summary>
        private const long StagingBytes = 32L << 20;

        /// <summary>
        /// The input value at an index: a counter-based hash (splitmix64) mapped to [-1, 1), so any element can
        /// be recomputed for the reference without keeping gigabytes of inputs on the host.
        /// </summary>
        internal static float InputValue(ulong seed, long index)
        {
            ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (float)((z >> 40) * (1.0 / (1UL << 24)) * 2.0 - 1.0);
        }

        /// <summary>
        /// Writes the random operand (generated in parallel) into every set, ordered on the stream. A small
        /// operand is laid out once per set in a staging buffer and uploaded many sets per copy; a large one
        /// chunk by chunk, each chunk into every set. The stream is synchronized before a host buffer is
        /// rewritten or unpinned, since the port's copies are asynchronous.
        /// </summary>
        internal static void Upload(IGpuPort port, MatMulFormat format, ulong first, ulong stride, int sets, long elements,
            ulong seed, PortStream stream, CancellationToken cancel)
        {
            long operandBytes = elements * format.InputBytes;
            if ((long)stride <= StagingBytes)
            {
                int copies = (int)Math.Max(1, Math.Min(sets, StagingBytes / (long)stride));
                var staging = new byte[(long)stride * copies];
                fixed (byte* buffer = staging)
                {
                    Generate(format, buffer, 0, elements, seed);
                    for (int c = 1; c < copies; c++) Buffer.MemoryCopy(buffer, buffer + (long)stride * c, operandBytes, operandBytes);
                    for (int s = 0; s < sets; s += copies)
                    {
                        cancel.ThrowIfCancellationRequested();
                        int count = Math.Min(copies, sets - s);
                        port.CopyToDevice(first + (ulong)s * stride, (IntPtr)buffer, (ulong)count * stride, stream);
                    }

                    port.Synchronize(stream);
                }

                return;
            }

            const long chunkElements = 1L << 24;
            var chunk = new byte[Math.Min(elements, chunkElements) * format.InputBytes];
            fixed (byte* buffer = chunk)
            {
                for (long start = 0; start < elements; start += chunkElements)
                {
                    cancel.ThrowIfCancellationRequested();
                    long count = Math.Min(chunkElements, elements - start);
                    Generate(format, buffer, start, count, seed);
                    for (int s = 0; s < sets; s++)
                        port.CopyToDevice(first + (ulong)s * stride + (ulong)(start * format.InputBytes), (IntPtr)buffer,
                            (ulong)(count * format.InputBytes), stream);
                    port.Synchronize(stream);
                }
            }
        }

        /// <summary>Elements [offset, offset + count) of an operand, stored in the format at buffer[0..count).</summary>
        private static void Generate(MatMulFormat format, byte* buffer, long offset, long count, ulong seed)
        {
            byte* start = buffer;
            Parallel.For(0, (int)((count + 65535) / 65536), block =>
            {
                long end = Math.Min(count, (block + 1) * 65536L);
                for (long i = block * 65536L; i < end; i++) format.Store(InputValue(seed, offset + i), start, i);
            });
        }
    }
}
