using System;
using System.Threading.Tasks;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The GEMM used when no BLAS is found: C = A * B, column-major (A m x k, B k x n, C m x n), in managed code with
    /// System.Numerics vectors. Blocked the way BLAS libraries are (Goto's scheme): for each slice of K (KC deep), B
    /// is packed once into panels of NR columns, each thread packs its MC-row block of A into panels of MR rows, and
    /// a register-blocked micro-kernel keeps a (2 vectors) x 6 tile of C in 12 registers while it walks K. The packed
    /// A block stays in L2 and the B panel in L1. Row blocks run in parallel. netstandard2.0 has no vector types at
    /// all (Vector&lt;T&gt; came with .NET Standard 2.1) and no FMA, so the FP32 vector kernel is built at run time
    /// (<see cref="SimdGemmKernel"/>: AVX-512 or AVX2 FMA on PowerShell 7); without it, and for FP64, a scalar 2 x 6
    /// kernel runs, whose ceiling is one lane of the vector width.
    /// </summary>
    public static unsafe class ManagedGemm
    {
        private const int NR = 6;
        private const int KC = 256;

        /// <summary>Rows of C each micro-kernel produces.</summary>
        public static int RowsPerTile<T>() where T : unmanaged => typeof(T) == typeof(float) && SimdGemmKernel.Instance is SimdGemmKernel simd ? simd.Rows : 2;

        /// <summary>What computes the FP32 tiles in this process: the run-time-built vector kernel, or the scalar one.</summary>
        public static string KernelDescription => SimdGemmKernel.Instance?.Description ?? "scalar 2x6 register tiles (no vector path in this runtime)";


        public static void Multiply<T>(long m, long n, long k, T* a, T* b, T* c, int threads)
            where T : unmanaged
        {
            if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) throw new NotSupportedException("The managed kernel multiplies FP32 and FP64.");
            if (m < 1 || n < 1 || k < 1) throw new ArgumentOutOfRangeException(nameof(m), "GEMM dimensions must be positive.");
            if (m > int.MaxValue || n > int.MaxValue || k > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(m), "Each GEMM dimension must fit in 32 bits.");
            int M = (int)m, N = (int)n, K = (int)k;
            int mr = RowsPerTile<T>();
            // Row blocks of about 96 rows (the packed A block stays in L2), but small enough that every thread gets
            // at least two: 2048 rows over 16 threads in 96-row blocks left a third of the threads idle in the last round.
            int threadsUsed = Math.Max(1, threads);
            int perThread = (M + 2 * threadsUsed - 1) / (2 * threadsUsed);
            int mc = Math.Max(mr, Math.Min(mr * Math.Max(1, 96 / mr), (perThread + mr - 1) / mr * mr));
            int nPanels = (N + NR - 1) / NR;
            int mBlocks = (M + mc - 1) / mc;
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
            T[] packedB = new T[KC * nPanels * NR];
            SimdGemmKernel? simd = typeof(T) == typeof(float) ? SimdGemmKernel.Instance : null;
            for (int kb = 0; kb < K; kb += KC)
            {
                int kc = Math.Min(KC, K - kb);
                bool accumulate = kb > 0;
                fixed (T* bp = packedB)
                {
                    T* bpLocal = bp;
                    Parallel.For(0, nPanels, options, panel => PackB(b, K, N, kb, kc, panel, bpLocal + (long)panel * KC * NR));
                    Parallel.For(0, mBlocks, options, () => new T[mc * KC], (block, _, packedA) =>
                    {
                        float[]? tileBuffer = simd != null ? new float[simd.Rows * NR] : null;
                        int ib = block * mc;
                        int rows = Math.Min(mc, M - ib);
                        fixed (T* ap = packedA)
                        {
                            PackA(a, M, ib, rows, kb, kc, mr, ap);
                            for (int panel = 0; panel < nPanels; panel++)
                            {
                                int jb = panel * NR;
                                int cols = Math.Min(NR, N - jb);
                                T* bPanel = bpLocal + (long)panel * KC * NR;
                                for (int ir = 0; ir < rows; ir += mr)
                                {
                                    T* cTile = c + ib + ir + (long)jb * M;
                                    int tileRows = Math.Min(mr, rows - ir);
                                    if (simd != null && tileRows == mr && cols == NR)
                                    {
                                        simd.Run((float[])(object)packedA, ir * kc, (float[])(object)packedB, panel * KC * NR, kc, tileBuffer!);
                                        AddTile(tileBuffer!, (float*)cTile, M, mr, accumulate);
                                    }
                                    else
                                    {
                                        Kernel(ap + (long)ir * kc, bPanel, kc, cTile, M, tileRows, cols, mr, accumulate);
                                    }
                                }
                            }
                        }

                        return packedA;
                    }, _ => { });
                }
            }
        }

        /// <summary>A's rows [ib, ib+rows) x K slice [kb, kb+kc) as panels of mr rows: element (r, p) of a panel at p*mr + r; short panels padded with zeros.</summary>
        private static void PackA<T>(T* a, int lda, int ib, int rows, int kb, int kc, int mr, T* ap)
            where T : unmanaged
        {
            for (int ir = 0; ir < rows; ir += mr)
            {
                int r = Math.Min(mr, rows - ir);
                T* panel = ap + (long)ir * kc;
                for (int p = 0; p < kc; p++)
                {
                    T* src = a + ib + ir + (long)(kb + p) * lda;
                    T* dst = panel + (long)p * mr;
                    if (r == mr)
                    {
                        Buffer.MemoryCopy(src, dst, mr * sizeof(T), mr * sizeof(T));
                    }
                    else
                    {
                        for (int i = 0; i < r; i++) dst[i] = src[i];
                        for (int i = r; i < mr; i++) dst[i] = default;
                    }
                }
            }
        }

        /// <summary>B's K slice [kb, kb+kc) x columns of one panel: element (p, j) at p*NR + j; missing columns zero.</summary>
        private static void PackB<T>(T* b, int ldb, int n, int kb, int kc, int panel, T* bp)
            where T : unmanaged
        {
            int jb = panel * NR;
            int cols = Math.Min(NR, n - jb);
            for (int j = 0; j < NR; j++)
            {
                if (j < cols)
                {
                    T* src = b + kb + (long)(jb + j) * ldb;
                    for (int p = 0; p < kc; p++) bp[p * NR + j] = src[p];
                }
                else
                {
                    for (int p = 0; p < kc; p++) bp[p * NR + j] = default;
                }
            }
        }

        private static void Kernel<T>(T* ap, T* bp, int kc, T* c, int ldc, int rows, int cols, int mr, bool accumulate)
            where T : unmanaged
        {
            if (typeof(T) == typeof(double)) KernelDouble((double*)ap, (double*)bp, kc, (double*)c, ldc, rows, cols, accumulate);
            else if (mr == 2) KernelSingle((float*)ap, (float*)bp, kc, (float*)c, ldc, rows, cols, accumulate);
            else EdgeSingle((float*)ap, (float*)bp, kc, (float*)c, ldc, rows, cols, mr, accumulate);
        }

        /// <summary>Writes (or adds) the vector kernel's tile into C: column j of the tile at tile[j * rows].</summary>
        private static void AddTile(float[] tile, float* c, int ldc, int rows, bool accumulate)
        {
            fixed (float* t = tile)
            {
                for (int j = 0; j < NR; j++)
                {
                    float* column = c + (long)j * ldc;
                    float* source = t + j * rows;
                    if (accumulate) for (int i = 0; i < rows; i++) column[i] += source[i];
                    else Buffer.MemoryCopy(source, column, rows * sizeof(float), rows * sizeof(float));
                }
            }
        }

        /// <summary>A partial tile of the vector kernel's panels (mr rows per panel), element by element.</summary>
        private static void EdgeSingle(float* ap, float* bp, int kc, float* c, int ldc, int rows, int cols, int mr, bool accumulate)
        {
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i++)
                {
                    float sum = 0;
                    for (int p = 0; p < kc; p++) sum += ap[p * mr + i] * bp[p * NR + j];
                    c[i + (long)j * ldc] = (accumulate ? c[i + (long)j * ldc] : 0f) + sum;
                }
            }
        }

        /// <summary>2 x 6 tile of FP32 in scalar registers.</summary>
        private static void KernelSingle(float* ap, float* bp, int kc, float* c, int ldc, int rows, int cols, bool accumulate)
        {
            float* acc = stackalloc float[2 * NR];
            float c00 = 0, c10 = 0, c01 = 0, c11 = 0, c02 = 0, c12 = 0, c03 = 0, c13 = 0, c04 = 0, c14 = 0, c05 = 0, c15 = 0;
            for (int p = 0; p < kc; p++)
            {
                float a0 = ap[0], a1 = ap[1];
                c00 += a0 * bp[0];
                c10 += a1 * bp[0];
                c01 += a0 * bp[1];
                c11 += a1 * bp[1];
                c02 += a0 * bp[2];
                c12 += a1 * bp[2];
                c03 += a0 * bp[3];
                c13 += a1 * bp[3];
                c04 += a0 * bp[4];
                c14 += a1 * bp[4];
                c05 += a0 * bp[5];
                c15 += a1 * bp[5];
                ap += 2;
                bp += NR;
            }

            acc[0] = c00; acc[1] = c10; acc[2] = c01; acc[3] = c11; acc[4] = c02; acc[5] = c12;
            acc[6] = c03; acc[7] = c13; acc[8] = c04; acc[9] = c14; acc[10] = c05; acc[11] = c15;
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i++) c[i + (long)j * ldc] = (accumulate ? c[i + (long)j * ldc] : 0f) + acc[j * 2 + i];
            }
        }
        /// <summary>2 x 6 tile of FP64 in scalar registers (netstandard2.0 has no double vector type).</summary>
        private static void KernelDouble(double* ap, double* bp, int kc, double* c, int ldc, int rows, int cols, bool accumulate)
        {
            double* acc = stackalloc double[2 * NR];
            double c00 = 0, c10 = 0, c01 = 0, c11 = 0, c02 = 0, c12 = 0, c03 = 0, c13 = 0, c04 = 0, c14 = 0, c05 = 0, c15 = 0;
            for (int p = 0; p < kc; p++)
            {
                double a0 = ap[0], a1 = ap[1];
                c00 += a0 * bp[0];
                c10 += a1 * bp[0];
                c01 += a0 * bp[1];
                c11 += a1 * bp[1];
                c02 += a0 * bp[2];
                c12 += a1 * bp[2];
                c03 += a0 * bp[3];
                c13 += a1 * bp[3];
                c04 += a0 * bp[4];
                c14 += a1 * bp[4];
                c05 += a0 * bp[5];
                c15 += a1 * bp[5];
                ap += 2;
                bp += NR;
            }

            acc[0] = c00; acc[1] = c10; acc[2] = c01; acc[3] = c11; acc[4] = c02; acc[5] = c12;
            acc[6] = c03; acc[7] = c13; acc[8] = c04; acc[9] = c14; acc[10] = c05; acc[11] = c15;
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i++) c[i + (long)j * ldc] = (accumulate ? c[i + (long)j * ldc] : 0.0) + acc[j * 2 + i];
            }
        }
    }
}
