using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The rows of Measure-GpuSpeedup: the shapes measured, one row per shape, GPU type, CPU pairing and GPU, the
    /// ratio kept to one decimal, and one summary line per GPU. The command measures and writes; the rows are made here.
    /// </summary>
    public static class SpeedupRows
    {
        /// <summary>A transformer MLP projection: 4096 tokens x hidden 4096 -> 16384.</summary>
        public static (long M, long N, long K) MlpShape { get; } = (4096, 16384, 4096);

        /// <summary>The square sizes, then the MLP shape unless it is left out.</summary>
        public static IReadOnlyList<(long M, long N, long K)> Shapes(IEnumerable<int> sizes, bool withMlpShape)
        {
            var shapes = MatMulShapes.Square(sizes).ToList();
            if (withMlpShape) shapes.Add(MlpShape);
            return shapes;
        }

        /// <summary>
        /// One row: the CPU figure it is set against, and the GPU's (null when the GPU failed or there is none, and then
        /// no ratio). <paramref name="device"/> is null when no GPU could be used.
        /// </summary>
        public static GpuSpeedupResult Row((long M, long N, long K) shape, MatMulDataType gpuType, MatMulDataType cpuType, string pairing,
            CpuMatMulResult cpu, CudaDevice? device, MatMulResult? gpu)
        {
            if (cpu == null) throw new ArgumentNullException(nameof(cpu));
            return new GpuSpeedupResult
            {
                M = shape.M,
                N = shape.N,
                K = shape.K,
                GpuDataType = gpuType.ToString(),
                CpuDataType = cpuType.ToString(),
                Pairing = pairing,
                CpuTflops = cpu.Tflops,
                GpuTflops = gpu?.Tflops,
                Speedup = gpu != null && cpu.Tflops > 0 ? Math.Round(gpu.Tflops / cpu.Tflops, 1) : (double?)null,
                CpuName = cpu.DeviceName,
                CpuLibrary = cpu.Library,
                CpuThreads = cpu.Threads,
                CpuPercentOfPeak = cpu.PercentOfPeak,
                GpuIndex = device?.Index,
                GpuName = device?.Name,
                Cpu = cpu,
                Gpu = gpu,
            };
        }

        /// <summary>The plain-words answer for each GPU (see <see cref="SpeedupPairing.Summary"/>), in the order the rows name
        /// them.</summary>
        public static IReadOnlyList<string> Summaries(IEnumerable<GpuSpeedupResult> rows)
        {
            if (rows == null) throw new ArgumentNullException(nameof(rows));
            return rows.GroupBy(r => r.GpuIndex).Select(g => SpeedupPairing.Summary(g.ToList())).ToList();
        }
    }
}
