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
    }
}
