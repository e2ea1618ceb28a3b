using System;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// One GEMM result checked against a double-precision CPU reference: C is poisoned, the GEMM runs, and sampled
    /// elements are read back, all ordered on <see cref="Stream"/>. What to multiply and how is the request's data,
    /// so the benchmark and the health stress ask for the same check in the same words.
    /// </summary>
    internal sealed unsafe class GemmReferenceCheck
    {
        /// <summary>Sampled elements when the caller does not choose (Measure-GpuMatMul's -VerifySamples default).</summary>
        public const int DefaultSamples = 64;

        public MatMulFormat Format { get; set; } = null!;

        public MatMulPlan Plan { get; set; } = null!;

        /// <summary>The plan's heuristic results, and which of them runs.</summary>
        public byte[] Algorithms { get; set; } = Array.Empty<byte>();

        public int Algorithm { get; set; }

        /// <summary>The workspace the plan was made for (device address).</summary>
        public ulong Workspace { get; set; }

        public PortStream Stream { get; set; }

        /// <summary>Device addresses of A, B and the result C (D), and the bytes of D to poison.</summary>
        public ulong A { get; set; }

        public ulong B { get; set; }

        public ulong D { get; set; }

        public ulong DBytes { get; set; }

        /// <summary>The seeds A and B were generated from (<see cref="GemmOperands.InputValue"/>).</summary>
        public ulong SeedA { get; set; }

        public ulong SeedB { get; set; }

        public long M { get; set; }

        public long N { get; set; }

        public long K { get; set; }

        /// <summary>Elements of C to compare, and the seed that picks them.</summary>
        public int Samples { get; set; }

        public int Seed { get; set; }

        /// <summary>Runs the GEMM once and measures its sampled error; the caller judges it against its tolerance.</summary>
        public SampledError Run(IGpuPort port)
        {
            if (port == null) throw new ArgumentNullException(nameof(port));

            // Poison C (all-ones bytes are NaN in every float format) so an unwritten element cannot pass. The
            // poison, the GEMM and the read-back are all on the benchmark's stream, so they run in this order.
            port.Fill(D, 0xFF, DBytes, Stream);
            Plan.Run(Algorithms, Algorithm, A, B, D, Workspace, Stream.Handle);

            var random = new Random(Seed + 7);
            int samples = Samples;
            var rows = new long[samples];
            var cols = new long[samples];
            var elements = new byte[samples * 8];
            fixed (byte* host = elements)
            {
                for (int s = 0; s < samples; s++)
                {
                    rows[s] = random.Next((int)Math.Min(M, int.MaxValue));
                    cols[s] = random.Next((int)Math.Min(N, int.MaxValue));
                    ulong offset = (ulong)((rows[s] + cols[s] * M) * Format.OutputBytes);
                    port.CopyToHost((IntPtr)(host + s * 8), D + offset, (ulong)Format.OutputBytes, Stream);
                }

                port.Synchronize(Stream);
            }

            var error = new SampledError();
            for (int s = 0; s < samples; s++)
            {
                long i = rows[s], j = cols[s];
                double reference = 0;
                for (long p = 0; p < K; p++)
                {
                    double av = Format.Round(GemmOperands.InputValue(SeedA, Format.TransposeA ? p + i * K : i + p * M));
                    reference += av * Format.Round(GemmOperands.InputValue(SeedB, p + j * K));
                }

                double value;
                fixed (byte* element = &elements[s * 8]) value = Format.Load(element);
                error.Add(value, reference);
            }

            return error;
        }
    }
}
