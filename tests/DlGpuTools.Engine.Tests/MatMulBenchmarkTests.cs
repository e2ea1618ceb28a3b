using System;
using System.Linq;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The benchmark against the fake driver and the fake cuBLASLt (which multiplies on the host).</summary>
    public sealed unsafe class MatMulBenchmarkTests : FakeLibraryTest
    {
        private static GpuRuntime Runtime(string? cublasLt = null) =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml, cublasLt),
                PlatformNativeLoader.Instance);

        private static MatMulRequest Small(MatMulDataType type, long size = 48) =>
            new MatMulRequest { DataType = type, M = size, N = size + 16, K = size - 16, Iterations = 3, Warmup = 1,
                AlgorithmCandidates = 3, BatchMilliseconds = 1 };

        private static CudaDevice Device(GpuRuntime runtime, int index) =>
            DeviceEnumerator.Enumerate(runtime).Devices.Single(d => d.Index == index);

        [FakeFact]
        public void Every_type_is_measured_and_verified_and_nothing_is_left_allocated()
        {
            long bytesBefore = FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes");
            GpuRuntime runtime = Runtime();
            CudaDevice h100 = Device(runtime, 0);
            foreach (MatMulDataType type in Enum.GetValues<MatMulDataType>())
            {
                MatMulResult r = new MatMulBenchmark(runtime).Run(Small(type), h100, CancellationToken.None);
                Assert.Equal(type.ToString(), r.DataType);
                Assert.Equal(48, r.M);
                Assert.Equal(64, r.N);
                Assert.Equal(32, r.K);
                Assert.True(r.FastestBatchMs > 0 && r.FastestBatchMs <= r.MedianMs && r.MedianMs <= r.SlowestBatchMs);
                Assert.Equal(3, r.Batches);
                Assert.Equal(3, r.AlgorithmsTried);
                Assert.Equal(Accumulation(type), r.Accumulation);
                Assert.Contains("median of 3 back-to-back batches", r.Method);
                Assert.Contains("accumulation " + r.Accumulation, r.Method);
                // The binding's arguments as the fake cuBLASLt received them: TN for FP8, NN otherwise; alpha 1, beta 0.
                Assert.Equal(type == MatMulDataType.FP8 ? 1 : 0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_last_transa"));
                Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_last_transb"));
                Assert.Equal(1.0, HookDouble(FakeLibraries.CuBlasLt, "fakecublas_last_alpha"));
                Assert.Equal(0.0, HookDouble(FakeLibraries.CuBlasLt, "fakecublas_last_beta"));
                Assert.Equal("cuBLASLt 13.1.0", r.Library);
                Assert.Null(r.PeakTflops); // the fake GPU is not in the card table
            }

            Assert.Equal(bytesBefore, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_streams"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_events"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_live_objects"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth"));
        }

        internal static string Accumulation(MatMulDataType type) =>
            type == MatMulDataType.FP64 ? "FP64" : type == MatMulDataType.TF32 ? "FP32 (TF32 inputs)" : "FP32";

        internal static unsafe double HookDouble(string library, string function)
        {
            NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(library, out string? error);
            Assert.True(handle != null, error);
            using (handle)
            {
                IntPtr f = handle.GetExport(function);
                Assert.NotEqual(IntPtr.Zero, f);
                return ((delegate* unmanaged[Cdecl]<double>)f)();
            }
        }

        [FakeFact]
        public void Rotated_sets_of_A_B_and_C_together_exceed_twice_the_L2()
        {
            GpuRuntime runtime = Runtime();
            CudaDevice h100 = Device(runtime, 0);
            MatMulResult r = new MatMulBenchmark(runtime).Run(Small(MatMulDataType.BF16), h100, CancellationToken.None);
            Assert.Equal(50UL << 20, r.L2CacheBytes); // the fake H100 reports 50 MiB
            Assert.True(r.RotatedBytes > 2 * r.L2CacheBytes, $"{r.RotatedBytes} bytes rotated");
            // The smallest such count: one set fewer would not exceed 2x L2. A 48x32 A, 32x64 B, 48x64 C in BF16, each rounded up to 256
            // bytes.
            ulong setBytes = 3072 + 4096 + 6144;
            Assert.Equal(setBytes * (ulong)r.InputSets, r.RotatedBytes);
            Assert.True(setBytes * (ulong)(r.InputSets - 1) <= 2 * r.L2CacheBytes);
            Assert.Contains($"{r.InputSets} set(s) of A, B and C rotated", r.Method);

            var one = Small(MatMulDataType.BF16);
            one.InputSets = 1;
            MatMulResult forced = new MatMulBenchmark(runtime).Run(one, h100, CancellationToken.None);
            Assert.Equal(1, forced.InputSets);
            Assert.Contains("not the default rotation", forced.Method);
        }

        [FakeFact]
        public void Poison_uploads_and_read_back_are_ordered_on_the_benchmark_stream()
        {
            GpuRuntime runtime = Runtime();
            int onStreamsBefore = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_async_ops_on_streams");
            int onLegacyBefore = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_async_ops_on_legacy_stream");
            var request = Small(MatMulDataType.FP16);
            new MatMulBenchmark(runtime).Run(request, Device(runtime, 0), CancellationToken.None);
            int onStreams = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_async_ops_on_streams") - onStreamsBefore;
            // At least: an upload of A and of B, the poison, and one read-back per sample.
            Assert.True(onStreams >= 3 + request.VerifySamples, $"{onStreams} stream-ordered memory operations");
            Assert.Equal(onLegacyBefore, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_async_ops_on_legacy_stream"));
        }

        [FakeFact]
        public void A_wrong_product_is_an_error_not_a_number()
        {
            FakeLibraries.Configure("FAKECUBLAS_WRONG=1");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<MatMulVerificationException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.True(e.RelativeError > e.Tolerance);
            Assert.Equal(0, e.Unwritten);

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_live_objects"));
        }

        [FakeFact]
        public void An_unwritten_output_is_caught_by_the_poison()
        {
            FakeLibraries.Configure("FAKECUBLAS_SKIP=1");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<MatMulVerificationException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.BF16), Device(runtime, 0), CancellationToken.None));
            Assert.Equal(64, e.Unwritten);
        }

        [FakeFact]
        public void A_problem_larger_than_free_memory_names_both_sizes()
        {
            FakeLibraries.Configure("FAKECUDA_MEMORY_MB=2048");
            GpuRuntime runtime = Runtime();
            var request = Small(MatMulDataType.FP32, 30000);
            var e = Assert.Throws<MatMulTooLargeException>(() =>
                new MatMulBenchmark(runtime).Run(request, Device(runtime, 0), CancellationToken.None));
            Assert.True(e.NeededBytes > e.FreeBytes);
            Assert.Contains("MiB are free", e.Message);
        }

        [FakeFact]
        public void Types_the_gpu_cannot_run_are_refused_before_any_allocation()
        {
            GpuRuntime runtime = Runtime();
            // Fake GPU 1 is compute capability 8.6: no FP8.
            var e = Assert.Throws<MatMulTypeNotSupportedException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP8), Device(runtime, 1), CancellationToken.None));
            Assert.Contains("8.9", e.Message);
            FakeLibraries.Configure("FAKECUBLAS_ALGOS=0");
            Assert.Throws<MatMulTypeNotSupportedException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        [FakeFact]
        public void A_cublas_failure_carries_cublas_own_name_and_text()
        {
            FakeLibraries.Configure("FAKECUBLAS_FAIL=cublasLtMatmul=13");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<CuBlasException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.Equal("cublasLtMatmul", e.Call);
            Assert.Equal(CuBlasStatus.CUBLAS_STATUS_EXECUTION_FAILED, e.Status);

            FakeLibraries.Configure("FAKECUBLAS_FAIL=cublasLtCreate=13");
            var create = Assert.Throws<CuBlasException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.Equal("CUBLAS_STATUS_EXECUTION_FAILED", create.ErrorName);
            Assert.Equal("the GPU program failed to execute", create.ErrorText);
            Assert.Equal("cublasLtCreate", create.Call);

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        [FakeFact]
        public void Cancellation_stops_the_run_and_frees_everything()
        {
            GpuRuntime runtime = Runtime();
            using (var cancel = new CancellationTokenSource())
            {
                var request = Small(MatMulDataType.FP32);
                request.Iterations = 1000000;
                int reports = 0;
                Assert.ThrowsAny<OperationCanceledException>(() =>
                    new MatMulBenchmark(runtime).Run(request, Device(runtime, 0), cancel.Token, p =>
                {
                    if (p.Phase == "Measuring" && ++reports == 5) cancel.Cancel();
                }));
            }

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_live_objects"));
        }

        [FakeFact]
        public void Missing_cublas_lists_where_it_was_looked_for()
        {
            GpuRuntime runtime = Runtime(cublasLt: "/nonexistent/libcublasLt.so.13");
            var e = Assert.Throws<NativeLibraryNotFoundException>(() =>
                new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.Equal(NativeLibraryKind.CuBlasLt, e.Kind);
            Assert.Contains("/nonexistent/libcublasLt.so.13", e.Message);
        }
    }
}
