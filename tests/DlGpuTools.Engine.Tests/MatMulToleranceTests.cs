using System;
using System.Linq;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The verification tolerances are tight enough to catch a wrong arithmetic path and loose enough for the
    /// right one. The fake cuBLASLt honours the compute type (strict FP32 sums in float; TF32 and BF16 paths
    /// round the FP32 inputs first), and FAKECUBLAS_COMPUTE swaps in the wrong one, as a wrong binding would.
    /// A 16 x 16 x 8192 problem has the tolerance of K = 8192 at a cost the fake can afford.
    /// </summary>
    public sealed class MatMulToleranceTests : FakeLibraryTest
    {
        private const int Fp32FastBf16 = 75;   // CUBLAS_COMPUTE_32F_FAST_16BF
        private const int Fp32FastTf32 = 77;   // CUBLAS_COMPUTE_32F_FAST_TF32

        private static GpuRuntime Runtime() => new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
            PlatformNativeLoader.Instance);

        private static MatMulRequest DeepK(MatMulDataType type, bool fast = false) =>
            new MatMulRequest { DataType = type, M = 16, N = 16, K = 8192, Iterations = 1, Warmup = 0, AlgorithmCandidates = 1,
                BatchMilliseconds = 0.001, FastAccumulation = fast };

        private static MatMulResult Run(GpuRuntime runtime, MatMulRequest request) =>
            new MatMulBenchmark(runtime)
                .Run(request, DeviceEnumerator.Enumerate(runtime).Devices.Single(d => d.Index == 0), CancellationToken.None);

        [FakeFact]
        public void A_tf32_path_fails_the_strict_fp32_check_that_strict_fp32_passes_at_8192()
        {
            GpuRuntime runtime = Runtime();
            MatMulResult strict = Run(runtime, DeepK(MatMulDataType.FP32));
            Assert.Equal(MatMulFormat.For(MatMulDataType.FP32).Tolerance(8192, false), strict.Tolerance);

            FakeLibraries.Configure($"FAKECUBLAS_COMPUTE={Fp32FastTf32}");
            var e = Assert.Throws<MatMulVerificationException>(() => Run(runtime, DeepK(MatMulDataType.FP32)));
            Assert.Equal(strict.Tolerance, e.Tolerance);
            Assert.True(e.RelativeError > 3 * e.Tolerance,
                $"TF32 inputs gave {e.RelativeError:E2}, tolerance {e.Tolerance:E2}: too close to tell the paths apart");
        }

        [FakeFact]
        public void A_bf16_path_fails_the_tf32_check_that_tf32_passes_at_8192()
        {
            GpuRuntime runtime = Runtime();
            MatMulResult tf32 = Run(runtime, DeepK(MatMulDataType.TF32));
            Assert.Equal(Fp32FastTf32, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_last_compute"));

            FakeLibraries.Configure($"FAKECUBLAS_COMPUTE={Fp32FastBf16}");
            var e = Assert.Throws<MatMulVerificationException>(() => Run(runtime, DeepK(MatMulDataType.TF32)));
            Assert.Equal(tf32.Tolerance, e.Tolerance);
            Assert.True(e.RelativeError > 2 * e.Tolerance, $"BF16 inputs gave {e.RelativeError:E2}, tolerance {e.Tolerance:E2}");
        }

        [FakeFact]
        public void Fp8_runs_without_fast_accumulation_unless_asked_and_says_which()
        {
            GpuRuntime runtime = Runtime();
            MatMulResult exact = Run(runtime, DeepK(MatMulDataType.FP8));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_last_fast_accum"));
            Assert.Equal("FP32", exact.Accumulation);

            MatMulResult fast = Run(runtime, DeepK(MatMulDataType.FP8, fast: true));
            Assert.Equal(1, FakeLibraries.Hook(FakeLibraries.CuBlasLt, "fakecublas_last_fast_accum"));
            Assert.Equal("FP32 fast (FP8 tensor-core partial sums)", fast.Accumulation);
            Assert.Contains("accumulation FP32 fast", fast.Method);
            // The fake keeps fast partial sums to 14 bits, so the error grows; the tolerance allows for it.
            Assert.True(fast.RelativeError > exact.RelativeError, $"fast {fast.RelativeError:E2}, exact {exact.RelativeError:E2}");
            Assert.True(fast.Tolerance > exact.Tolerance);
        }

        [FakeFact]
        public void Fast_accumulation_is_refused_for_other_types_before_any_allocation()
        {
            GpuRuntime runtime = Runtime();
            long before = FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes");
            Assert.Throws<ArgumentException>(() => Run(runtime, DeepK(MatMulDataType.BF16, fast: true)));
            Assert.Equal(before, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        /// <summary>
        /// Errors seen at 8192 on an H200 with cuBLASLt 13.1 (README; FP8 with fast accumulation) pass with at
        /// least a factor 2 to spare, and the wrong-path errors a 10-bit (TF32) or 7-bit (BF16) mantissa gives
        /// on random inputs (about 2E-4 and 2E-3) do not.
        /// </summary>
        [Theory]
        [InlineData(MatMulDataType.FP64, 0.0, false, 1e-12)]
        [InlineData(MatMulDataType.FP32, 1.2e-6, false, 2e-4)]
        [InlineData(MatMulDataType.TF32, 1.8e-5, false, 2e-3)]
        [InlineData(MatMulDataType.FP16, 2.1e-4, false, 2e-3)]
        [InlineData(MatMulDataType.BF16, 1.3e-3, false, 1e-2)]
        [InlineData(MatMulDataType.FP8, 2.8e-3, true, 1e-1)]
        public void Tolerances_at_8192_leave_room_for_the_errors_real_gpus_show(MatMulDataType type, double seenOnH200,
            bool fast, double wrongPath)
        {
            double tolerance = MatMulFormat.For(type).Tolerance(8192, fast);
            Assert.True(2 * seenOnH200 <= tolerance, $"{type}: tolerance {tolerance:E2} against {seenOnH200:E1} seen");
            Assert.True(tolerance < wrongPath, $"{type}: tolerance {tolerance:E2} would accept {wrongPath:E1}");
        }

        [Fact]
        public void Rotation_is_sized_by_bytes_not_by_a_count()
        {
            const ulong l2 = 50UL << 20; // H100
            // 512 x 512 BF16: 512 KiB per operand, 1.5 MiB a set; 16 sets (24 MiB) would stay in L2.
            RotationPlan p512 = RotationPlan.For(512 * 512 * 2, 512 * 512 * 2, 512 * 512 * 2, 256, l2, 0);
            Assert.Equal(67, p512.Sets);
            Assert.True(p512.TotalBytes > 2 * l2 && p512.TotalBytes - p512.SetBytes <= 2 * l2);
            RotationPlan p256 = RotationPlan.For(256 * 256 * 2, 256 * 256 * 2, 256 * 256 * 2, 256, l2, 0);
            Assert.Equal(267, p256.Sets);
            Assert.Equal(1, RotationPlan.For(8192UL * 8192 * 2, 8192UL * 8192 * 2, 8192UL * 8192 * 2, 256, l2, 0).Sets);
            // Operands are aligned: a 16 x 16 FP8 set is 256 + 256 + 512 bytes.
            Assert.Equal(1024UL, RotationPlan.For(256, 256, 512, 256, l2, 0).SetBytes);
            RotationPlan tight = p512.FitInto(10 * p512.SetBytes + 1);
            Assert.Equal(10, tight.Sets);
            Assert.True(tight.LimitedByMemory);
            Assert.Equal(1, RotationPlan.For(512, 512, 512, 256, l2, 1).Sets);
        }
    }
}
