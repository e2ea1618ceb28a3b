using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The CPU BLAS probe and binding against the fake BLAS variants (tests/fakes/fakeblas.c), and the CPU benchmark over them.
    /// </summary>
    public sealed class CpuBlasProbeTests
    {
        private static string Blas(string variant) => Path.Combine(FakeLibraries.Directory ?? string.Empty, "blas", variant);

        private static ProbeEnvironment WithOverride(string? value) =>
            new ProbeEnvironment(false, n => n == LibraryCandidates.CpuBlasOverrideVariable ? value : null, Directory.Exists, false, false);

        private static CpuBlasProbeResult Probe(string? overridePath, string? library = null) =>
            CpuBlasProbe.Load(WithOverride(overridePath), PlatformNativeLoader.Instance, library, Array.Empty<string>());

        private static readonly CpuFacts TwoCoreAvx2 = CpuFacts.ParseLinux(CpuInfoText.Zen3TwoCores, null, 2);

        [FakeFact]
        public void A_folder_override_finds_the_OpenBLAS_in_it_and_reads_its_version_threads_and_BF16_routine()
        {
            CpuBlasProbeResult probe = Probe(Blas("openblas"));
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(probe.Library);
            Assert.Equal(BlasFamily.OpenBlas, blas.Family);
            Assert.Equal("0.3.99", blas.Version);
            Assert.Equal("OpenBLAS 0.3.99", blas.DisplayName);
            Assert.Equal("cblas_sbgemm", blas.Bf16Routine);
            Assert.True(blas.TrySetThreads(3));
            Assert.Equal(3, blas.Threads);
            Assert.Equal(ProbeOutcome.Loaded, probe.Attempts[probe.Attempts.Count - 1].Outcome);
        }

        [FakeFact]
        public void PyTorch_s_MKL_is_used_through_its_Fortran_GEMMs_with_its_BF16_call_and_thread_control()
        {
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(Probe(Blas("torch")).Library);
            Assert.Equal(BlasFamily.MklInPyTorch, blas.Family);
            Assert.True(blas.Fortran);
            Assert.Equal("MKL 2024.2 (inside PyTorch)", blas.DisplayName);
            Assert.Equal("cblas_gemm_bf16bf16f32", blas.Bf16Routine);
            Assert.Equal("mkl_set_num_threads", blas.ThreadControl);
            var bench = new CpuMatMulBenchmark(blas, TwoCoreAvx2);
            foreach (MatMulDataType type in new[] { MatMulDataType.FP32, MatMulDataType.FP64, MatMulDataType.BF16 })
            {
                CpuMatMulResult r = bench.Run(new CpuMatMulRequest { DataType = type, M = 40, N = 24, K = 72, Iterations = 1,
                    BatchMilliseconds = 1 }, CancellationToken.None);
                Assert.True(r.RelativeError <= r.Tolerance, type + ": " + r.RelativeError);
                Assert.Contains("Fortran interface", r.LibraryConfig, StringComparison.Ordinal);
                Assert.Equal(2, r.Threads);
            }
        }

        [Fact]
        public void An_override_pointing_nowhere_leaves_no_BLAS_and_traces_the_path()
        {
            CpuBlasProbeResult probe = Probe("/nonexistent/blas");
            Assert.Null(probe.Library);
            ProbeAttempt attempt = Assert.Single(probe.Attempts);
            Assert.Equal(ProbeOutcome.NotFound, attempt.Outcome);
            Assert.Contains("/nonexistent/blas", probe.SearchedText, StringComparison.Ordinal);
        }

        [FakeFact]
        public void The_renamed_ILP64_copy_numpy_wheels_carry_is_bound_with_64_bit_integers()
        {
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(Probe(Blas("scipy64")).Library);
            Assert.True(blas.Int64Indices);
            Assert.Equal("scipy_", blas.SymbolPrefix);
            Assert.Equal("OpenBLAS 0.3.99 (64-bit integers)", blas.DisplayName);
            CpuMatMulResult r = new CpuMatMulBenchmark(blas, TwoCoreAvx2)
                .Run(new CpuMatMulRequest { DataType = MatMulDataType.BF16, M = 24, N = 40, K = 56, Iterations = 1, BatchMilliseconds = 1 },
                CancellationToken.None);
            Assert.True(r.RelativeError <= r.Tolerance);
            Assert.Equal("FP32 (BF16 inputs)", r.Accumulation);
        }

        [FakeFact]
        public void A_BLAS_without_a_BF16_GEMM_refuses_BF16_but_measures_FP32_and_FP64()
        {
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(Probe(Blas("nosbgemm")).Library);
            Assert.False(blas.HasBf16Gemm);
            var bench = new CpuMatMulBenchmark(blas, TwoCoreAvx2);
            Assert.Throws<CpuMatMulTypeException>(() =>
                bench.Run(new CpuMatMulRequest { DataType = MatMulDataType.BF16, M = 16, N = 16, K = 16 }, CancellationToken.None));
            foreach (MatMulDataType type in new[] { MatMulDataType.FP32, MatMulDataType.FP64 })
            {
                CpuMatMulResult r = bench.Run(new CpuMatMulRequest { DataType = type, M = 33, N = 17, K = 65, Iterations = 3,
                    BatchMilliseconds = 1 }, CancellationToken.None);
                Assert.Equal(type.ToString(), r.DataType);
                Assert.True(r.RelativeError <= r.Tolerance, r.RelativeError + " > " + r.Tolerance);
                Assert.False(r.IsManagedFallback);
                Assert.Null(r.Warning);
                Assert.Equal("openblas_set_num_threads(2)", r.ThreadControl);
            }
        }

        [FakeFact]
        public void A_BLAS_with_no_vendor_exports_is_reported_as_a_reference_BLAS_with_a_warning()
        {
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(Probe(Blas("reference")).Library);
            Assert.Equal(BlasFamily.Reference, blas.Family);
            Assert.Null(blas.ThreadControl);
            CpuMatMulResult r = new CpuMatMulBenchmark(blas, TwoCoreAvx2)
                .Run(new CpuMatMulRequest { M = 16, N = 16, K = 16, Iterations = 1, BatchMilliseconds = 1 }, CancellationToken.None);
            Assert.Contains("reference BLAS", r.Warning, StringComparison.Ordinal);
            Assert.StartsWith("none", r.ThreadControl, StringComparison.Ordinal);
        }

        [FakeFact]
        public void A_wrong_product_is_an_error_not_a_number()
        {
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(Probe(Blas("wrong"), "OpenBlas").Library);
            var e = Assert.Throws<MatMulVerificationException>(() =>
                new CpuMatMulBenchmark(blas, TwoCoreAvx2)
                .Run(new CpuMatMulRequest { M = 8, N = 8, K = 8, Iterations = 1, VerifySamples = 64, BatchMilliseconds = 1 },
                    CancellationToken.None));
            Assert.True(e.RelativeError > e.Tolerance);
        }

        [FakeFact]
        public void A_family_asked_for_that_is_not_there_finds_nothing_and_says_why()
        {
            CpuBlasProbeResult probe = Probe(Blas("reference"), "Mkl");
            Assert.Null(probe.Library);
            Assert.Contains(probe.Attempts,
                a => a.Outcome == ProbeOutcome.Rejected && a.Error!.Contains("not the Mkl asked for", StringComparison.Ordinal));
        }

        [FakeFact]
        public unsafe void Illegal_dimensions_are_refused_before_the_library_sees_them()
        {
            CpuBlasLibrary blas = Assert.IsType<CpuBlasLibrary>(Probe(Blas("nosbgemm")).Library);
            string file = Path.Combine(Blas("nosbgemm"), "libopenblas.so.0");
            long callsBefore = FakeLibraries.HookLong(file, "fakeblas_calls");
            float[] x = new float[16];
            Assert.Throws<ArgumentOutOfRangeException>(() => { fixed (float* p = x) blas.Sgemm(0, 4, 4, p, p, p); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { fixed (float* p = x) blas.Sgemm(4, 4, (long)int.MaxValue + 1, p, p, p); });
            Assert.Equal(callsBefore, FakeLibraries.HookLong(file, "fakeblas_calls"));
            Assert.Equal(0, FakeLibraries.HookLong(file, "fakeblas_xerbla_count"));
        }

        [Fact]
        public void OpenBLAS_copies_are_tried_newest_version_first_whatever_their_order_on_the_list()
        {
            string dir = Path.Combine(Path.GetTempPath(), "dlgpu-blas-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.WriteAllText(Path.Combine(dir, "libopenblas-a.so.0"), "junk OpenBLAS 0.3.21 DYNAMIC_ARCH junk");
                File.WriteAllText(Path.Combine(dir, "libopenblas-b.so.0"), "junk OpenBLAS 0.3.34 DYNAMIC_ARCH junk");
                var loader = new RecordingLoader();
                CpuBlasProbeResult probe = CpuBlasProbe.Load(WithOverride(dir), loader, null, Array.Empty<string>());
                Assert.Null(probe.Library);
                Assert.Equal(new[] { "libopenblas-b.so.0", "libopenblas-a.so.0" }, loader.Tried.Select(Path.GetFileName));
                Assert.Equal(new Version(0, 3, 34), CpuBlasProbe.OpenBlasVersionInFile(Path.Combine(dir, "libopenblas-b.so.0")));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Fact]
        public void Without_an_override_MKL_comes_first_then_PyTorch_then_wheel_OpenBLAS_then_the_system_and_a_generic_libblas_last()
        {
            string site = Path.Combine(Path.GetTempPath(), "dlgpu-site-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(site, "numpy.libs"));
            try
            {
                File.WriteAllText(Path.Combine(site, "numpy.libs", "libscipy_openblas64_-abc.so"), "x");
                IReadOnlyList<BlasCandidate> list = CpuBlasCandidates.For(WithOverride(null), new[] { site });
                int Index(Func<BlasCandidate, bool> p) => list.Select((c, i) => (c, i)).First(x => p(x.c)).i;
                int mkl = Index(c => c.Candidate.Path == "libmkl_rt.so.2");
                int torch = Index(c => c.Candidate.Path.EndsWith("torch/lib/libtorch_cpu.so", StringComparison.Ordinal));
                int wheel = Index(c => c.Candidate.Path.EndsWith("libscipy_openblas64_-abc.so", StringComparison.Ordinal));
                int system = Index(c => c.Candidate.Path == "libopenblas.so.0");
                int generic = Index(c => c.Candidate.Path == "libblas.so.3");
                Assert.True(mkl < torch && torch < wheel && wheel < system && system < generic,
                    string.Join(", ", mkl, torch, wheel, system, generic));
                Assert.Equal(BlasFamily.MklInPyTorch, list[torch].Family);
                Assert.DoesNotContain(list, c => c.Candidate.Path.EndsWith("/libopenblas.so", StringComparison.Ordinal));
            }
            finally
            {
                Directory.Delete(site, true);
            }
        }

        private sealed class RecordingLoader : INativeLoader
        {
            public List<string> Tried { get; } = new List<string>();

            public bool IsMissingFile(string path) => Path.IsPathRooted(path) && !File.Exists(path);

            public NativeLibraryHandle TryLoad(string path, out string error)
            {
                Tried.Add(path);
                error = "invalid ELF header";
                return null!;
            }
        }
    }

    /// <summary>The managed kernel against a double reference, and the peak arithmetic from canned /proc/cpuinfo text.</summary>
    public sealed class CpuMathTests
    {
        [Theory]
        [InlineData(37, 29, 300)] // edges in every direction, and K across two blocks (the accumulate path)
        [InlineData(8, 6, 1)]
        [InlineData(1, 1, 513)]
        public unsafe void The_managed_kernel_matches_a_double_reference(int m, int n, int k)
        {
            var random = new Random(m * 1000 + n * 10 + k);
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
            double[] ad = a.Select(x => (double)x).ToArray(), bd = b.Select(x => (double)x).ToArray();
            double[] cd = new double[m * n];
            fixed (float* pa = a, pb = b, pc = c) ManagedGemm.Multiply(m, n, k, pa, pb, pc, 2);
            fixed (double* pa = ad, pb = bd, pc = cd) ManagedGemm.Multiply(m, n, k, pa, pb, pc, 2);
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    double reference = 0;
                    for (int p = 0; p < k; p++) reference += (double)a[i + p * m] * b[p + j * k];
                    Assert.True(Math.Abs(c[i + j * m] - reference) <= 1e-5 * Math.Sqrt(k) + 1e-6,
                        $"FP32 C({i},{j}) = {c[i + j * m]}, expected {reference}");
                    Assert.True(Math.Abs(cd[i + j * m] - reference) <= 1e-12 * k,
                        $"FP64 C({i},{j}) = {cd[i + j * m]}, expected {reference}");
                }
            }
        }

        [Theory]
        [InlineData(150, 100, 600, 3, 64, 36)]  // a 3 x 3 grid of blocks with edge blocks both ways, three workers, K across three slices
        [InlineData(70, 50, 40, 8, 32, 12)]     // more workers than blocks are left idle, not given overlapping work
        [InlineData(33, 61, 257, 4, 1, 1)]      // blocks of one tile by one panel
        public unsafe void The_managed_kernel_matches_a_double_reference_on_a_2d_grid_of_blocks(int m, int n, int k, int threads,
            int blockRows, int blockCols)
        {
            var random = new Random(m + n + k);
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
            double[] ad = a.Select(x => (double)x).ToArray(), bd = b.Select(x => (double)x).ToArray();
            double[] cd = Enumerable.Repeat(double.NaN, m * n).ToArray();
            fixed (float* pa = a, pb = b, pc = c) ManagedGemm.Multiply(m, n, k, pa, pb, pc, threads, (blockRows, blockCols));
            fixed (double* pa = ad, pb = bd, pc = cd) ManagedGemm.Multiply(m, n, k, pa, pb, pc, threads, (blockRows, blockCols));
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    double reference = 0;
                    for (int p = 0; p < k; p++) reference += (double)a[i + p * m] * b[p + j * k];
                    Assert.True(Math.Abs(c[i + j * m] - reference) <= 1e-5 * Math.Sqrt(k) + 1e-6,
                        $"FP32 C({i},{j}) = {c[i + j * m]}, expected {reference}");
                    Assert.True(Math.Abs(cd[i + j * m] - reference) <= 1e-12 * k,
                        $"FP64 C({i},{j}) = {cd[i + j * m]}, expected {reference}");
                }
            }
        }

        [Theory]
        [InlineData(2048, 2048, 32, 12, 16)] // the Xeon case (AVX-512 tiles): 16 workers need 48 blocks
        [InlineData(2048, 2048, 16, 6, 1)]   // AVX2 tiles
        [InlineData(4096, 4096, 32, 12, 16)]
        [InlineData(100, 3000, 16, 6, 2)]
        public void Blocks_are_planned_so_every_worker_gets_three_within_the_cache_bounds(int m, int n, int mr, int nr, int workers)
        {
            (int rows, int cols) = ManagedGemm.PlanBlocks(m, n, mr, nr, workers);
            Assert.Equal(0, rows % mr);
            Assert.Equal(0, cols % nr);
            Assert.InRange(rows, 2 * mr, 256);
            Assert.InRange(cols, 48, 384);
            int count = ((m + rows - 1) / rows) * ((n + cols - 1) / cols);
            Assert.True(count >= 3 * workers, $"{count} blocks of {rows}x{cols} for {workers} workers");
        }

        [Fact]
        public void A_2048_square_for_16_workers_is_cut_both_ways_not_into_thin_row_strips()
        {
            (int rows, int cols) = ManagedGemm.PlanBlocks(2048, 2048, 32, 12, 16);
            Assert.True(rows >= 128 && cols >= 96, $"{rows}x{cols}");
        }

        [Theory]
        [InlineData("256x384", 256, 384)]
        [InlineData(" 64 X 48 ", 64, 48)]
        [InlineData("0x48", null, null)]
        [InlineData("-64x48", null, null)]
        [InlineData("64", null, null)]
        [InlineData("", null, null)]
        public void The_block_override_reads_rows_x_columns_and_ignores_anything_else(string text, int? rows, int? cols)
        {
            (int Rows, int Cols)? parsed = ManagedGemm.ParseBlocks(text);
            Assert.Equal(rows, parsed?.Rows);
            Assert.Equal(cols, parsed?.Cols);
        }

        [Fact]
        public void The_managed_kernel_runs_through_the_benchmark_labelled_and_with_a_warning_and_remedy()
        {
            CpuMatMulResult r = new CpuMatMulBenchmark(null, CpuFacts.ParseLinux(CpuInfoText.Zen3TwoCores, null, 2))
                .Run(new CpuMatMulRequest { M = 50, N = 40, K = 30, Iterations = 3, BatchMilliseconds = 1 }, CancellationToken.None);
            Assert.True(r.IsManagedFallback);
            Assert.Equal("managed kernel (no BLAS)", r.Library);
            Assert.Contains("No BLAS library was found", r.Warning, StringComparison.Ordinal);
            Assert.Contains(LibraryCandidates.CpuBlasOverrideVariable, r.Warning, StringComparison.Ordinal);
            Assert.True(r.RelativeError <= r.Tolerance);
        }

        [Fact]
        public void A_Sapphire_Rapids_class_Xeon_under_KVM_gets_its_peak_from_cores_AVX512_and_the_cpuinfo_clock()
        {
            CpuFacts cpu = CpuFacts.ParseLinux(CpuInfoText.Xeon16Cores, null, 16);
            Assert.Equal(16, cpu.PhysicalCores);
            Assert.Equal(2.1, cpu.ClockGHz!.Value, 3);
            CpuPeakFigure fp32 = CpuPeak.For(cpu, MatMulDataType.FP32);
            Assert.Equal(16 * 2 * 16 * 2 * 2.1e9 / 1e12, fp32.Tflops!.Value, 6); // 2.15 TFLOPS
            Assert.Contains("no cpufreq", fp32.Basis, StringComparison.Ordinal);
            Assert.Equal(fp32.Tflops.Value / 2, CpuPeak.For(cpu, MatMulDataType.FP64).Tflops!.Value, 6);
            Assert.Equal(16 * 1024 * 2.1e9 / 1e12, CpuPeak.For(cpu, MatMulDataType.BF16).Tflops!.Value, 6); // AMX
        }

        [Fact]
        public void A_two_core_Zen_3_uses_cpufreq_when_present_and_has_no_BF16_peak()
        {
            CpuFacts cpu = CpuFacts.ParseLinux(CpuInfoText.Zen3TwoCores, "3500000\n", 2);
            Assert.Equal(2, cpu.PhysicalCores);
            CpuPeakFigure fp32 = CpuPeak.For(cpu, MatMulDataType.FP32);
            Assert.Equal(2 * 2 * 8 * 2 * 3.5e9 / 1e12, fp32.Tflops!.Value, 6);
            Assert.Contains("cpuinfo_max_freq", fp32.Basis, StringComparison.Ordinal);
            Assert.Null(CpuPeak.For(cpu, MatMulDataType.BF16).Tflops);
        }

        [Fact]
        public void Without_a_clock_the_peak_is_unknown_and_says_why()
        {
            CpuFacts cpu = CpuFacts.ParseLinux(CpuInfoText.Zen3TwoCores.Replace("cpu MHz", "bogus"), null, 2);
            CpuPeakFigure peak = CpuPeak.For(cpu, MatMulDataType.FP32);
            Assert.Null(peak.Tflops);
            Assert.StartsWith("unknown", peak.Basis, StringComparison.Ordinal);
        }

        [Fact]
        public void SMT_siblings_count_once()
        {
            string twoThreadsOneCore = CpuInfoText.Zen3TwoCores.Replace("core id\t\t: 1", "core id\t\t: 0");
            Assert.Equal(1, CpuFacts.ParseLinux(twoThreadsOneCore, null, 2).PhysicalCores);
        }

        [Fact]
        public void Pairs_and_the_summary_answer_plainly()
        {
            Assert.Equal(MatMulDataType.BF16, SpeedupPairing.For(MatMulDataType.FP16, cpuHasBf16: true).Cpu);
            Assert.Equal(MatMulDataType.FP32, SpeedupPairing.For(MatMulDataType.BF16, cpuHasBf16: false).Cpu);
            Assert.Equal(MatMulDataType.FP32, SpeedupPairing.For(MatMulDataType.TF32, cpuHasBf16: true).Cpu);
            Assert.Equal(new[] { MatMulDataType.BF16, MatMulDataType.FP32 },
                SpeedupPairing.All(MatMulDataType.BF16, cpuHasBf16: true).Select(p => p.Cpu));
            Assert.Single(SpeedupPairing.All(MatMulDataType.TF32, cpuHasBf16: true));
            var rows = new List<GpuSpeedupResult>
            {
                new GpuSpeedupResult { M = 8192, N = 8192, K = 8192, GpuDataType = "BF16", CpuDataType = "FP32", Speedup = 300,
                    GpuName = "NVIDIA H100", CpuLibrary = "MKL 2024.2" },
                new GpuSpeedupResult { M = 8192, N = 8192, K = 8192, GpuDataType = "BF16", CpuDataType = "BF16", Speedup = 110,
                    GpuName = "NVIDIA H100", CpuLibrary = "MKL 2024.2" },
                new GpuSpeedupResult { M = 8192, N = 8192, K = 8192, GpuDataType = "FP32", CpuDataType = "FP32", Speedup = 24,
                    GpuName = "NVIDIA H100", CpuLibrary = "MKL 2024.2" },
            };
            string summary = SpeedupPairing.Summary(rows);
            Assert.StartsWith("For BF16 training math NVIDIA H100 is 110x this CPU", summary, StringComparison.Ordinal);
            Assert.Contains("for strict FP32 24x", summary, StringComparison.Ordinal);
            Assert.Contains("Above the 10x-20x rule of thumb", summary, StringComparison.Ordinal);
            Assert.Contains("No GPU figure", SpeedupPairing.Summary(new[] { new GpuSpeedupResult { GpuDataType = "FP32" } }),
                StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Canned /proc/cpuinfo text: two processors of the GPU machine's Xeon (extended to 16 below) and this dev box's EPYC.
    /// </summary>
    internal static class CpuInfoText
    {
        private const string XeonFlags = "fpu sse sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl avx_vnni avx512_bf16 amx_bf16 "
            + "avx512_fp16 amx_tile amx_int8";

        public static readonly string Xeon16Cores = string.Concat(Enumerable.Range(0, 16).Select(i =>
            $"processor\t: {i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\nmodel name\t: Intel(R) Xeon(R) Processor\ncpu "
                + $"MHz\t\t: 2100.000\nphysical id\t: 0\ncore id\t\t: {i}\ncpu cores\t: 16\nflags\t\t: {XeonFlags}\n\n"));

        public static readonly string Zen3TwoCores = string.Concat(Enumerable.Range(0, 2).Select(i =>
            $"processor\t: {i}\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\nmodel name\t: AMD EPYC\ncpu MHz\t\t: "
                + $"2445.406\nphysical id\t: 0\ncore id\t\t: {i}\ncpu cores\t: 2\nflags\t\t: fpu sse sse2 avx fma avx2\n\n"));
    }

    public sealed class SpeedupWordingTests
    {
        [Theory]
        [InlineData(0.42, "0.42")]
        [InlineData(0.4, "0.4")]
        [InlineData(1.74, "1.7")]
        [InlineData(9.96, "10")]
        [InlineData(24.4, "24")]
        [InlineData(109.6, "110")]
        public void Ratios_are_said_to_two_significant_figures(double ratio, string said) =>
            Assert.Equal(said, Benchmarks.SpeedupPairing.Times(ratio));
    }
}
