using System.Linq;
using DlGpuTools.Benchmarks;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class SpeedupRowsTests
    {
        private static readonly CpuMatMulResult Cpu = new CpuMatMulResult { Tflops = 2.0, Threads = 16, PercentOfPeak = 80 };

        [Fact]
        public void A_row_sets_the_GPU_figure_against_the_CPU_one_to_one_decimal()
        {
            var device = new CudaDevice { Index = 1, Name = "NVIDIA H100 80GB HBM3" };
            GpuSpeedupResult row = SpeedupRows.Row((4096, 16384, 4096), MatMulDataType.BF16, MatMulDataType.FP32, "pairing", Cpu, device,
                new MatMulResult { Tflops = 601.37 });

            Assert.Equal(300.7, row.Speedup);
            Assert.Equal(("BF16", "FP32", 1, "NVIDIA H100 80GB HBM3"), (row.GpuDataType, row.CpuDataType, row.GpuIndex, row.GpuName));
            Assert.Equal((4096L, 16384L, 4096L), (row.M, row.N, row.K));
            Assert.Equal((2.0, 16, 80.0), (row.CpuTflops, row.CpuThreads, row.CpuPercentOfPeak));
        }

        [Fact]
        public void Without_a_GPU_figure_a_row_carries_the_CPU_figure_and_no_ratio()
        {
            GpuSpeedupResult row = SpeedupRows.Row((256, 256, 256), MatMulDataType.FP32, MatMulDataType.FP32, "strict FP32 on both", Cpu,
                null, null);

            Assert.Null(row.Speedup);
            Assert.Null(row.GpuTflops);
            Assert.Null(row.GpuIndex);
            Assert.Equal(2.0, row.CpuTflops);
        }

        [Fact]
        public void The_MLP_shape_follows_the_square_sizes_unless_left_out()
        {
            Assert.Equal(new[] { (64L, 64L, 64L), (128L, 128L, 128L), SpeedupRows.MlpShape }, SpeedupRows.Shapes(new[] { 64, 128 },
                withMlpShape: true));
            Assert.Equal(new[] { (64L, 64L, 64L) }, SpeedupRows.Shapes(new[] { 64 }, withMlpShape: false));
        }

        [Fact]
        public void Each_GPU_gets_its_own_summary()
        {
            var rows = new[] { 0, 1, 0 }.Select(i => SpeedupRows.Row((512, 512, 512), MatMulDataType.FP32, MatMulDataType.FP32, "p", Cpu,
                new CudaDevice { Index = i, Name = "GPU " + i }, new MatMulResult { Tflops = 20 * (i + 1) })).ToList();

            var summaries = SpeedupRows.Summaries(rows);

            Assert.Equal(2, summaries.Count);
            Assert.Contains("10x", summaries[0], System.StringComparison.Ordinal);
            Assert.Contains("20x", summaries[1], System.StringComparison.Ordinal);
        }
    }
}
