using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.Errors;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The CPU benchmark says itself that it cannot run a type, with the CPU's remedy: the commands that run it
    /// write the failure as it comes, without deciding from a label which side failed.
    /// </summary>
    public sealed class CpuMatMulTypeFailureTests
    {
        private static readonly CpuFacts TwoCoreAvx2 = CpuFacts.ParseLinux(CpuInfoText.Zen3TwoCores, null, 2);

        [Theory]
        [InlineData(MatMulDataType.BF16)]
        [InlineData(MatMulDataType.FP16)]
        [InlineData(MatMulDataType.TF32)]
        public void The_managed_kernel_refuses_a_type_it_cannot_multiply_with_the_cpu_remedy(MatMulDataType type)
        {
            var bench = new CpuMatMulBenchmark(null, TwoCoreAvx2);

            var e = Assert.Throws<CpuMatMulTypeException>(() =>
                bench.Run(new CpuMatMulRequest { DataType = type, M = 16, N = 16, K = 16 }, CancellationToken.None));

            Assert.Same(ErrorCatalogue.MatMulTypeNotSupported, e.Entry);
            Assert.Contains("on this CPU", e.Remedy, System.StringComparison.Ordinal);
            Assert.DoesNotContain("compute capability", e.Remedy, System.StringComparison.Ordinal);
        }

        [Fact]
        public void A_GPU_type_asked_of_the_CPU_is_refused_before_anything_runs_by_the_benchmarks_own_list()
        {
            Assert.Equal(new[] { MatMulDataType.FP64, MatMulDataType.FP32, MatMulDataType.BF16 }, CpuMatMulBenchmark.CpuTypes);
            Assert.IsNotType<MatMulDataType[]>(CpuMatMulBenchmark.CpuTypes); // a caller cannot cast it back and change the rule
            CpuMatMulBenchmark.RefuseGpuTypes(CpuMatMulBenchmark.CpuTypes, "remedy");
            foreach (MatMulDataType type in System.Enum.GetValues<MatMulDataType>())
            {
                if (System.Linq.Enumerable.Contains(CpuMatMulBenchmark.CpuTypes, type)) continue;
                var e = Assert.Throws<MatMulArgumentException>(() =>
                    CpuMatMulBenchmark.RefuseGpuTypes(new[] { MatMulDataType.FP32, type }, "the command's remedy"));
                Assert.Same(ErrorCatalogue.MatMulTypeNotSupported, e.Entry);
                Assert.Equal(FailureCategory.InvalidArgument, e.Category);
                Assert.Contains(type + " is a GPU type", e.Message, System.StringComparison.Ordinal);
                Assert.Equal("the command's remedy", e.Remedy);
                // The managed kernel, which runs wherever no BLAS is found, agrees: it cannot multiply the type either.
                Assert.False(new CpuMatMulBenchmark(null, TwoCoreAvx2).Supports(type));
            }
        }

        [Fact]
        public void The_speed_up_refuses_only_a_GPU_type_with_no_CPU_figure_to_meet()
        {
            SpeedupPairing.RefuseUnpaired(new[] { MatMulDataType.FP64, MatMulDataType.FP32, MatMulDataType.TF32, MatMulDataType.FP16,
                MatMulDataType.BF16 }, "remedy");
            var e = Assert.Throws<MatMulArgumentException>(() =>
                SpeedupPairing.RefuseUnpaired(new[] { MatMulDataType.BF16, MatMulDataType.FP8 }, "measure FP8 alone"));
            Assert.Same(ErrorCatalogue.MatMulTypeNotSupported, e.Entry);
            Assert.Equal("measure FP8 alone", e.Remedy);
        }
    }
}
