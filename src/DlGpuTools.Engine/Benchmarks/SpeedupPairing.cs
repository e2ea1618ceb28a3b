using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// Which CPU figures each GPU type is compared with, and the plain-words answer. Strict FP32 meets the CPU's FP32
    /// (the same math); TF32 meets the CPU's FP32; FP16 and BF16, what training runs on a GPU, meet both the CPU's
    /// FP32 (what most CPU code runs) and its BF16 where it has a BF16 GEMM (a fair "what would training cost here").
    /// </summary>
    public static class SpeedupPairing
    {
        /// <summary>
        /// Refuses, before anything runs, a GPU type with no CPU counterpart to set it against (FP8: no CPU BLAS has an FP8
        /// GEMM), with the command's <paramref name="remedy"/>.
        /// </summary>
        public static void RefuseUnpaired(IEnumerable<MatMulDataType> gpuTypes, string remedy)
        {
            foreach (MatMulDataType type in gpuTypes ?? throw new ArgumentNullException(nameof(gpuTypes)))
            {
                if (type == MatMulDataType.FP8) throw MatMulArgumentException.NotACpuType(type, remedy);
            }
        }

        /// <summary>The first pairing of <see cref="All"/>: the one the summary speaks of.</summary>
        public static (MatMulDataType Cpu, string Pairing) For(MatMulDataType gpu, bool cpuHasBf16) => All(gpu, cpuHasBf16)[0];

        /// <summary>Every CPU figure a GPU type is set against, the closest match first.</summary>
        public static IReadOnlyList<(MatMulDataType Cpu, string Pairing)> All(MatMulDataType gpu, bool cpuHasBf16)
        {
            switch (gpu)
            {
                case MatMulDataType.FP32: return new[] { (MatMulDataType.FP32, "strict FP32 on both") };
                case MatMulDataType.FP64: return new[] { (MatMulDataType.FP64, "FP64 on both") };
                case MatMulDataType.TF32: return new[] { (MatMulDataType.FP32, "GPU TF32 tensor cores vs the CPU's FP32") };
                default:
                    return cpuHasBf16
                        ? new[] { (MatMulDataType.BF16, $"GPU {gpu} tensor cores vs the CPU's BF16"),
                            (MatMulDataType.FP32, $"GPU {gpu} tensor cores vs the CPU's FP32") }
                        : new[] { (MatMulDataType.FP32, $"GPU {gpu} tensor cores vs the CPU's FP32 (no CPU BF16 GEMM)") };
            }
        }

        /// <summary>
        /// The answer in one line, from the largest shape measured: "For BF16 training math this GPU is 110x this
        /// CPU; for strict FP32 24x", with why it differs from the 10x-20x rule of thumb where it does.
        /// </summary>
        /// <summary>A ratio to two significant figures (0.42, 1.7, 24, 350): whole numbers turned 0.4 into "0x".</summary>
        public static string Times(double? ratio)
        {
            if (!(ratio is double r) || double.IsNaN(r)) return "?";
            if (r == 0) return "0";
            double scale = Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(r))) - 1);
            double rounded = Math.Round(r / scale, MidpointRounding.AwayFromZero) * scale;
            return rounded.ToString(rounded >= 10 ? "0" : rounded >= 1 ? "0.0" : "0.0#", CultureInfo.InvariantCulture);
        }

        // The unrounded ratio: Speedup keeps one decimal, which makes a small ratio (a slow GPU, the fakes) read as 0.
        private static double? Ratio(GpuSpeedupResult row) =>
            row.GpuTflops is double gpu && row.CpuTflops > 0 ? gpu / row.CpuTflops : row.Speedup;

        public static string Summary(IReadOnlyList<GpuSpeedupResult> rows)
        {
            if (rows == null) throw new ArgumentNullException(nameof(rows));
            var measured = rows.Where(r => r.Speedup.HasValue).ToList();
            if (measured.Count == 0)
                return "No GPU figure was measured, so there is no speed-up to state; the CPU figures stand on their own.";
            // The largest shape; of its rows, the one against the CPU's closest type (its BF16 where it has one).
            GpuSpeedupResult? Largest(MatMulDataType type) => measured.Where(r => r.GpuType == type)
                .OrderByDescending(r => (double)r.M * r.N * r.K)
                .ThenBy(r => r.CpuType == MatMulDataType.FP32 && type != MatMulDataType.FP32 ? 1 : 0).FirstOrDefault();
            GpuSpeedupResult? training = Largest(MatMulDataType.BF16) ?? Largest(MatMulDataType.FP16) ?? Largest(MatMulDataType.TF32);
            GpuSpeedupResult? strict = Largest(MatMulDataType.FP32);
            string gpu = measured[0].GpuName ?? "this GPU";
            var parts = new List<string>();
            if (training != null) parts.Add(string.Format(CultureInfo.InvariantCulture,
                "for {0} training math {1} is {2}x this CPU ({3} against its {4})", training.GpuDataType, gpu, Times(Ratio(training)),
                training.CpuLibrary, training.CpuDataType));
            if (strict != null) parts.Add(string.Format(CultureInfo.InvariantCulture, "for strict FP32 {0}x", Times(Ratio(strict))));
            string answer = char.ToUpperInvariant(parts[0][0]) + parts[0].Substring(1)
                + (parts.Count > 1 ? "; " + parts[1] : string.Empty) + ".";
            double high = measured.Max(r => r.Speedup.GetValueOrDefault()), low = measured.Min(r => r.Speedup.GetValueOrDefault());
            if (high > 20)
                answer += " Above the 10x-20x rule of thumb: the rule compares FP32 on both sides and predates tensor cores; TF32, FP16 "
                    + "and BF16 run on tensor cores at many times the GPU's FP32 rate, while a CPU's BF16 (where it "
                    + "has one) gains far less.";
            if (low < 10)
                answer += " Below 10x for some rows: a many-core CPU with a good BLAS (and AMX or AVX-512) narrows the gap, and small "
                    + "shapes do not fill the GPU.";
            return answer;
        }
    }
}
