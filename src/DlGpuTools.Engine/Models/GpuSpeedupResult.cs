namespace DlGpuTools
{
    /// <summary>One row of Measure-GpuSpeedup: a GPU data type against the CPU type it is paired with, at one shape.</summary>
    public sealed class GpuSpeedupResult
    {
        public long M { get; set; }

        public long N { get; set; }

        public long K { get; set; }

        /// <summary>The GPU's type: the name of <see cref="GpuType"/> (see <see cref="EnumText"/>).</summary>
        public string GpuDataType
        {
            get => GpuType.ToString();
            set => GpuType = EnumText.Parse<MatMulDataType>(value, nameof(GpuDataType));
        }

        internal MatMulDataType GpuType { get; set; }

        /// <summary>The CPU's type the GPU's is paired with: the name of <see cref="CpuType"/>.</summary>
        public string CpuDataType
        {
            get => CpuType.ToString();
            set => CpuType = EnumText.Parse<MatMulDataType>(value, nameof(CpuDataType));
        }

        internal MatMulDataType CpuType { get; set; }

        /// <summary>Which pairing this row is, in words ("strict FP32 on both", "GPU BF16 tensor cores vs the CPU's BF16").</summary>
        public string Pairing { get; set; } = string.Empty;

        public double CpuTflops { get; set; }

        /// <summary>Empty when the GPU side could not be measured (the error says why).</summary>
        public double? GpuTflops { get; set; }

        /// <summary>GpuTflops / CpuTflops.</summary>
        public double? Speedup { get; set; }

        public string CpuName { get; set; } = string.Empty;

        public string CpuLibrary { get; set; } = string.Empty;

        public int CpuThreads { get; set; }

        public double? CpuPercentOfPeak { get; set; }

        public int? GpuIndex { get; set; }

        public string? GpuName { get; set; }

        /// <summary>The full measurements behind the row.</summary>
        public CpuMatMulResult? Cpu { get; set; }

        public MatMulResult? Gpu { get; set; }

        public override string ToString() =>
            $"{GpuDataType} vs CPU {CpuDataType} {M}x{N}x{K}: "
            + $"{(Speedup is double s ? s.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "x" : "no GPU figure")}";
    }
}
