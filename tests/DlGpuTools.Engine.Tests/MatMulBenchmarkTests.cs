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
    public sealed class MatMulBenchmarkTests : FakeLibraryTest
    {
        private static GpuRuntime Runtime(string cublasLt = null) =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml, cublasLt), PlatformNativeLoader.Instance);

        private static MatMulRequest Small(MatMulDataType type, long size = 48) =>
            new MatMulRequest { DataType = type, M = size, N = size + 16, K = size - 16, Iterations = 3, Warmup = 1, AlgorithmCandidates = 3, BatchMilliseconds = 1 };

        private static CudaDevice Device(GpuRuntime runtime, int index) => DeviceEnumerator.Enumerate(runtime).Devices.Single(d => d.Index == index);

        [FakeFact]
        public void Every_type_is_measured_and_verified_and_nothing_is_left_allocated()
        {
            long bytesBefore = FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes");
            GpuRuntime runtime = Runtime();
            CudaDevice h100 = Device(runtime, 0);
            foreach (MatMulDataType type in Enum.GetValues(typeof(MatMulDataType)))
            {
                MatMulResult r = new MatMulBenchmark(runtime).Run(Small(type), h100, CancellationToken.None);
                Assert.Equal(type.ToString(), r.DataType);
                Assert.Equal(48, r.M);
                Assert.Equal(64, r.N);
                Assert.Equal(32, r.K);
                Assert.True(r.RelativeError <= r.Tolerance, $"{type}: {r.RelativeError}");
                Assert.True(r.MedianMs > 0 && r.MinMs <= r.MedianMs && r.MedianMs <= r.MaxMs);
                Assert.Equal(3, r.Batches);
                Assert.Equal(3, r.AlgorithmsTried);
                Assert.True(r.InputSets > 1, "small problems rotate several input sets");
                Assert.Equal("cuBLASLt 13.1.0", r.Library);
                Assert.Null(r.PeakTflops); // the fake GPU is not in the card table
            }

            Assert.Equal(bytesBefore, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_streams"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_events"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_live_objects"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth"));
        }

        [FakeFact]
        public void A_wrong_product_is_an_error_not_a_number()
        {
            FakeLibraries.Configure("FAKECUBLAS_WRONG=1");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<MatMulVerificationException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.True(e.RelativeError > e.Tolerance);
            Assert.Equal(0, e.Unwritten);

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_live_objects"));
        }

        [FakeFact]
        public void An_unwritten_output_is_caught_by_the_poison()
        {
            FakeLibraries.Configure("FAKECUBLAS_SKIP=1");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<MatMulVerificationException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.BF16), Device(runtime, 0), CancellationToken.None));
            Assert.Equal(64, e.Unwritten);
        }

        [FakeFact]
        public void A_problem_larger_than_free_memory_names_both_sizes()
        {
            FakeLibraries.Configure("FAKECUDA_MEMORY_MB=2048");
            GpuRuntime runtime = Runtime();
            var request = Small(MatMulDataType.FP32, 30000);
            var e = Assert.Throws<MatMulTooLargeException>(() => new MatMulBenchmark(runtime).Run(request, Device(runtime, 0), CancellationToken.None));
            Assert.True(e.NeededBytes > e.FreeBytes);
            Assert.Contains("MiB are free", e.Message);
        }

        [FakeFact]
        public void Types_the_gpu_cannot_run_are_refused_before_any_allocation()
        {
            GpuRuntime runtime = Runtime();
            // Fake GPU 1 is compute capability 8.6: no FP8.
            var e = Assert.Throws<MatMulTypeNotSupportedException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP8), Device(runtime, 1), CancellationToken.None));
            Assert.Contains("8.9", e.Message);
            FakeLibraries.Configure("FAKECUBLAS_ALGOS=0");
            Assert.Throws<MatMulTypeNotSupportedException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        [FakeFact]
        public void A_cublas_failure_carries_cublas_own_name_and_text()
        {
            FakeLibraries.Configure("FAKECUBLAS_FAIL=cublasLtMatmul=13");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<CuBlasException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.Equal("cublasLtMatmul", e.Call);
            Assert.Equal(CuBlasStatus.CUBLAS_STATUS_EXECUTION_FAILED, e.Status);

            FakeLibraries.Configure("FAKECUBLAS_FAIL=cublasLtCreate=13");
            var create = Assert.Throws<CuBlasException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
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
                Assert.ThrowsAny<OperationCanceledException>(() => new MatMulBenchmark(runtime).Run(request, Device(runtime, 0), cancel.Token, p =>
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
            var e = Assert.Throws<NativeLibraryNotFoundException>(() => new MatMulBenchmark(runtime).Run(Small(MatMulDataType.FP32), Device(runtime, 0), CancellationToken.None));
            Assert.Equal(NativeLibraryKind.CuBlasLt, e.Kind);
            Assert.Contains("/nonexistent/libcublasLt.so.13", e.Message);
        }
    }
}
