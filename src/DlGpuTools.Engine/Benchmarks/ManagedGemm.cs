using System;
using System.Runtime.CompilerServices;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The GEMM used when no BLAS is found: C = A * B, column-major (A m x k, B k x n, C m x n), in managed code with
    /// System.Numerics vectors. Blocked the way BLAS libraries are (Goto's scheme): C is cut into blocks; for each slice
    /// of K (KC deep) the worker owning a block packs its columns of B into panels of nr columns and its rows of A into
    /// panels of mr rows, and a register-blocked micro-kernel keeps an mr x nr tile of C in registers while it walks K
    /// (32 x 12 with AVX-512, 16 x 6 with AVX2). The packed A block stays in L2 and the B panel in L1. Threads take
    /// whole blocks of a 2-D grid over C (see the Multiply overload with blocks). netstandard2.0 has no vector types at
    /// all (Vector&lt;T&gt; came with .NET Standard 2.1) and no FMA, so the FP32 vector kernel is built at run time
    /// (<see cref="SimdGemmKernel"/>: AVX-512, AVX2 or NEON FMA on PowerShell 7); without it, and for FP64, a scalar
    /// 2 x 6 kernel runs, whose ceiling is one lane of the vector width.
    /// </summary>
    internal static unsafe class ManagedGemm
    {
        /// <summary>Columns of the scalar kernels' tiles (FP64, and FP32 without a vector path).</summary>
        private const int ScalarColumns = 6;

        /// <summary>
        /// MethodImplOptions.AggressiveOptimization (512; netstandard2.0's enum predates it, .NET Core 3.0+ honours it,
        /// .NET Framework ignores it): the loops are compiled fully optimised on first call instead of starting in the
        /// tiered JIT's unoptimised tier, so a fresh session's first measurement is not of tier-0 code.
        /// </summary>
        private const MethodImplOptions HotLoop = (MethodImplOptions)512;
        private const int KC = 256;

        /// <summary>Rows of C each micro-kernel produces.</summary>
        public static int RowsPerTile<T>() where T : unmanaged =>
            typeof(T) == typeof(float) && SimdGemmKernel.Instance is SimdGemmKernel simd ? simd.Rows : 2;

        /// <summary>Columns of C each micro-kernel produces: B is packed in panels this wide.</summary>
        public static int ColumnsPerTile<T>() where T : unmanaged =>
            typeof(T) == typeof(float) && SimdGemmKernel.Instance is SimdGemmKernel simd ? simd.Columns : ScalarColumns;

        /// <summary>What computes the FP32 tiles in this process: the run-time-built vector kernel, or the scalar one.</summary>
        public static string KernelDescription =>
            SimdGemmKernel.Instance?.Description ?? "scalar 2x6 register tiles (no vector path in this runtime)";


        /// <summary>Environment variable that fixes the C block each worker takes ("ROWSxCOLS", e.g. 256x384), for measuring.</summary>
        public const string BlocksOverrideVariable = "DLGPUTOOLS_MANAGED_GEMM_BLOCKS";

        public static void Multiply<T>(long m, long n, long k, T* a, T* b, T* c, int threads)
            where T : unmanaged
            => Multiply(m, n, k, a, b, c, threads, ParseBlocks(Environment.GetEnvironmentVariable(BlocksOverrideVariable)));

        /// <summary>
        /// Parallel scheme: C is cut into a 2-D grid of blocks (rows x columns) and each worker takes whole blocks from a
        /// shared counter, running the entire K loop over its block with its own packed A and B. There is no barrier
        /// between K slices (two per 256-deep slice would be 16 at K = 2048, each waiting for the slowest
        /// thread), no two threads ever write the same part of C, and a 2-D split gives 16+ threads several blocks each
        /// at 2048 where row blocks alone would be too thin to keep the B panel reused. Each block's A and B are packed by its
        /// worker (A rows and B columns are packed once per block sharing them: (rows + cols) * K copies against
        /// 2 * rows * cols * K flops, under 1% at 256 x 384). The packed A block (rows x KC) and B block (KC x cols)
        /// together stay in a core's L2; one B panel (KC x the tile's 6 or 12 columns) stays in L1 across the block's row tiles.
        /// </summary>
        internal static void Multiply<T>(long m, long n, long k, T* a, T* b, T* c, int threads, (int Rows, int Cols)? blocks)
            where T : unmanaged
        {
            if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
                throw new NotSupportedException("The managed kernel multiplies FP32 and FP64.");
            if (m < 1 || n < 1 || k < 1) throw new ArgumentOutOfRangeException(nameof(m), "GEMM dimensions must be positive.");
            if (m > int.MaxValue || n > int.MaxValue || k > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(m), "Each GEMM dimension must fit in 32 bits.");
            int M = (int)m, N = (int)n, K = (int)k;
            int mr = RowsPerTile<T>();
            int nr = ColumnsPerTile<T>();
            int workers = Math.Max(1, threads);
            (int mc, int nc) = blocks is (int rows, int cols) && rows > 0 && cols > 0
                ? (RoundUp(Math.Min(rows, M), mr), RoundUp(Math.Min(cols, N), nr)) // no bigger than C: the packing buffers are sized by it
                : PlanBlocks(M, N, mr, nr, workers);
            int rowBlocks = (M + mc - 1) / mc;
            int colBlocks = (N + nc - 1) / nc;
            int blockCount = rowBlocks * colBlocks;
            workers = Math.Min(workers, blockCount);
            SimdGemmKernel? simd = typeof(T) == typeof(float) ? SimdGemmKernel.Instance : null;
            int next = -1;
            [MethodImpl(HotLoop)]
            void Work()
            {
                T[] packedA = PackingBuffers<T>.Rent(ref PackingBuffers<T>.A, mc * KC);
                T[] packedB = PackingBuffers<T>.Rent(ref PackingBuffers<T>.B, KC * nc);
                float[]? edgeTile = simd != null ? PackingBuffers<float>.Rent(ref PackingBuffers<float>.EdgeTile, mr * nr) : null;
                int block;
                while ((block = System.Threading.Interlocked.Increment(ref next)) < blockCount)
                {
                    // Column-major walk of the grid: neighbouring workers share B columns, which are then warm in L3.
                    int ib = block % rowBlocks * mc, jb = block / rowBlocks * nc;
                    RunBlock(a, b, c, M, N, K, ib, Math.Min(mc, M - ib), jb, Math.Min(nc, N - jb), mr, nr, packedA,
                        packedB, simd, edgeTile);
                }
            }

            RunOnWorkers(workers, Work);
        }

        /// <summary>
        /// Each pool thread's packing buffers, kept between calls. Allocated per call they were 0.4-0.5 MiB per worker on
        /// the large-object heap (over its 85,000-byte threshold): at 2048 on 32 cores that was 16 MiB a call every 50 ms,
        /// and the full, blocking collections the large-object heap triggers stopped every worker. Contents need no
        /// clearing: PackA and PackB write every element they use, padding included, and the tile kernels write C directly.
        /// </summary>
        private static class PackingBuffers<TElement>
        {
            [ThreadStatic]
            internal static TElement[]? A;

            [ThreadStatic]
            internal static TElement[]? B;

            [ThreadStatic]
            internal static TElement[]? EdgeTile;

            internal static TElement[] Rent(ref TElement[]? slot, int length) =>
                slot != null && slot.Length >= length ? slot : (slot = new TElement[length]);
        }

        /// <summary>
        /// Runs <paramref name="work"/> on up to <paramref name="workers"/> pool threads at once and waits. The pool's floor
        /// is raised to the worker count first (never lowered): above the floor the pool adds about two threads a second,
        /// so 16 workers on a 4-thread floor would spend a 50 ms GEMM mostly on 4 threads. Pool threads rather than
        /// threads started per call, because a call at 512 lasts about a millisecond on a 16-core CPU, no longer than
        /// starting 16 threads. Any worker that starts late finds the blocks already taken and returns, so the split
        /// stays balanced however many threads the pool actually gives.
        /// </summary>
        private static void RunOnWorkers(int workers, Action work)
        {
            if (workers == 1)
            {
                work();
                return;
            }

            System.Threading.ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
            if (minWorkers < workers) System.Threading.ThreadPool.SetMinThreads(workers, minIo);
            System.Threading.Tasks.Parallel.For(0, workers,
                new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = workers }, _ => work());
        }

        /// <summary>
        /// The C block each worker takes: at most 256 rows x 384 columns (packed A 256 KiB and packed B 384 KiB in FP32,
        /// both in a 2 MiB L2 and still mostly in a 1 MiB one), halved along the longer side until every worker has at
        /// least three blocks to take (so a thread slowed by the host is balanced by the others), but not below
        /// 2 tiles x 4 panels of 12 (8 of 6), where packing would start to cost more than it saves.
        /// </summary>
        internal static (int Rows, int Cols) PlanBlocks(int m, int n, int mr, int nr, int workers)
        {
            int rows = Math.Min(RoundUp(m, mr), RoundUp(256, mr));
            int cols = Math.Min(RoundUp(n, nr), RoundUp(384, nr));
            int minRows = 2 * mr, minCols = RoundUp(48, nr);
            while (((m + rows - 1) / rows) * ((n + cols - 1) / cols) < 3 * workers)
            {
                bool splitRows = rows >= cols ? rows / 2 >= minRows : cols / 2 < minCols;
                if (splitRows && rows / 2 >= minRows) rows = RoundUp(rows / 2, mr);
                else if (cols / 2 >= minCols) cols = RoundUp(cols / 2, nr);
                else break;
            }

            return (rows, cols);
        }

        /// <summary>Parses the "ROWSxCOLS" block override; null when unset or unreadable (the plan is used then).</summary>
        internal static (int Rows, int Cols)? ParseBlocks(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            string[] parts = text!.Split('x', 'X');
            if (parts.Length == 2
                && int.TryParse(parts[0].Trim(), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out int rows)
                && int.TryParse(parts[1].Trim(), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out int cols)
                && rows > 0 && cols > 0)
            {
                return (rows, cols);
            }

            return null;
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

        /// <summary>C[ib.., jb..] (rows x cols) = A[ib.., :] * B[:, jb..], the whole K loop in KC slices, by one worker.</summary>
        [MethodImpl(HotLoop)]
        private static void RunBlock<T>(T* a, T* b, T* c, int M, int N, int K, int ib, int rows, int jb, int cols, int mr, int nr,
            T[] packedA, T[] packedB, SimdGemmKernel? simd, float[]? edgeTile)
            where T : unmanaged
        {
            int panels = (cols + nr - 1) / nr;
            fixed (T* ap = packedA, bp = packedB)
            {
                for (int kb = 0; kb < K; kb += KC)
                {
                    int kc = Math.Min(KC, K - kb);
                    bool accumulate = kb > 0;
                    for (int panel = 0; panel < panels; panel++) PackB(b, K, N, kb, kc, jb + panel * nr, nr, bp + (long)panel * KC * nr);
                    PackA(a, M, ib, rows, kb, kc, mr, ap);
                    for (int panel = 0; panel < panels; panel++)
                    {
                        int j0 = jb + panel * nr;
                        int panelCols = Math.Min(nr, N - j0);
                        T* bPanel = bp + (long)panel * KC * nr;
                        for (int ir = 0; ir < rows; ir += mr)
                        {
                            T* cTile = c + ib + ir + (long)j0 * M;
                            int tileRows = Math.Min(mr, rows - ir);
                            if (simd != null && edgeTile != null)
                            {
                                ref float aTile = ref ((float*)ap)[(long)ir * kc];
                                if (tileRows == mr && panelCols == nr)
                                {
                                    simd.Run(ref aTile, ref *(float*)bPanel, kc, ref *(float*)cTile, M, accumulate);
                                }
                                else
                                {
                                    // A tile at C's edge: the packed panels are padded with zeros, so the vector kernel
                                    // computes a whole tile into scratch and only the part inside C is kept. Done by
                                    // element instead, 2048 (not a multiple of 12 columns) ran 15% slower on one core.
                                    fixed (float* tile = edgeTile)
                                    {
                                        simd.Run(ref aTile, ref *(float*)bPanel, kc, ref *tile, mr, false);
                                        AddEdgeTile(tile, mr, (float*)cTile, M, tileRows, panelCols, accumulate);
                                    }
                                }
                            }
                            else
                            {
                                Kernel(ap + (long)ir * kc, bPanel, kc, cTile, M, tileRows, panelCols, accumulate);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>A's rows [ib, ib+rows) x K slice [kb, kb+kc) as panels of mr rows: element (r, p) of a panel at p*mr + r; short panels
        /// padded with zeros.</summary>
        [MethodImpl(HotLoop)]
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

        /// <summary>B's K slice [kb, kb+kc) x the panel of nr columns from jb: element (p, j) at p*nr + j; missing columns zero.</summary>
        [MethodImpl(HotLoop)]
        private static void PackB<T>(T* b, int ldb, int n, int kb, int kc, int jb, int nr, T* bp)
            where T : unmanaged
        {
            int cols = Math.Min(nr, n - jb);
            for (int j = 0; j < nr; j++)
            {
                if (j < cols)
                {
                    T* src = b + kb + (long)(jb + j) * ldb;
                    for (int p = 0; p < kc; p++) bp[p * nr + j] = src[p];
                }
                else
                {
                    for (int p = 0; p < kc; p++) bp[p * nr + j] = default;
                }
            }
        }

        [MethodImpl(HotLoop)]
        private static void Kernel<T>(T* ap, T* bp, int kc, T* c, int ldc, int rows, int cols, bool accumulate)
            where T : unmanaged
        {
            // Only the scalar 2 x 6 kernels come here: FP32 tiles go to the vector kernel wherever there is one.
            if (typeof(T) == typeof(double)) KernelDouble((double*)ap, (double*)bp, kc, (double*)c, ldc, rows, cols, accumulate);
            else KernelSingle((float*)ap, (float*)bp, kc, (float*)c, ldc, rows, cols, accumulate);
        }

        /// <summary>The rows x cols corner of a tile computed into scratch (leading dimension ld), written or added into C.</summary>
        [MethodImpl(HotLoop)]
        private static void AddEdgeTile(float* tile, int ld, float* c, int ldc, int rows, int cols, bool accumulate)
        {
            for (int j = 0; j < cols; j++)
            {
                float* column = c + (long)j * ldc;
                float* source = tile + (long)j * ld;
                for (int i = 0; i < rows; i++) column[i] = (accumulate ? column[i] : 0f) + source[i];
            }
        }

        /// <summary>2 x 6 tile of FP32 in scalar registers.</summary>
        [MethodImpl(HotLoop)]
        private static void KernelSingle(float* ap, float* bp, int kc, float* c, int ldc, int rows, int cols, bool accumulate)
        {
            float* acc = stackalloc float[2 * ScalarColumns];
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
                bp += ScalarColumns;
            }

            acc[0] = c00; acc[1] = c10; acc[2] = c01; acc[3] = c11; acc[4] = c02; acc[5] = c12;
            acc[6] = c03; acc[7] = c13; acc[8] = c04; acc[9] = c14; acc[10] = c05; acc[11] = c15;
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i++) c[i + (long)j * ldc] = (accumulate ? c[i + (long)j * ldc] : 0f) + acc[j * 2 + i];
            }
        }

        /// <summary>
        /// 2 x 6 tile of FP64 in scalar registers: KernelSingle again for double. netstandard2.0 has no generic
        /// arithmetic (INumber), and a generic kernel through delegates or operators found at run time would cost more
        /// than the tile itself, so the two types keep a copy each.
        /// </summary>
        [MethodImpl(HotLoop)]
        private static void KernelDouble(double* ap, double* bp, int kc, double* c, int ldc, int rows, int cols, bool accumulate)
        {
            double* acc = stackalloc double[2 * ScalarColumns];
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
                bp += ScalarColumns;
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
