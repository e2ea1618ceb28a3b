using System;
using System.Globalization;
using DlGpuTools.Benchmarks;

namespace DlGpuTools.Devices
{
    /// <summary>A CPU's theoretical peak for one precision, with how it was derived; Tflops null when it cannot be known.</summary>
    internal sealed class CpuPeakFigure
    {
        public CpuPeakFigure(double? tflops, string basis)
        {
            Tflops = tflops;
            Basis = basis;
        }

        public double? Tflops { get; }

        public string Basis { get; }
    }

    /// <summary>
    /// Theoretical peak = physical cores x FMA units x lanes x 2 x clock. The FMA unit count cannot be read from the
    /// CPU, so it comes from this table by vendor, family and instruction set (Intel 64 and IA-32 Architectures
    /// Optimization Reference Manual, 2024; AMD Software Optimization Guides for family 17h, 19h and 1Ah), and each
    /// result says which row applied:
    ///   Intel with AVX-512: 2 x 512-bit FMA (Xeon Scalable Gold 6xxx/Platinum and later; some Silver, Bronze and
    ///   Gold 5xxx parts and client CPUs have one, where the figure is twice the truth);
    ///   Intel with AVX2 and FMA: 2 x 256-bit;
    ///   AMD family 17h (Zen, Zen+): 2 x 128-bit; family 17h model 30h+ and 19h (Zen 2, 3, 4): 2 x 256-bit (Zen 4
    ///   splits 512-bit operations in two); family 1Ah (Zen 5) with AVX-512: 2 x 512-bit;
    ///   other x86 with AVX and no FMA: one 256-bit multiply and one add per cycle (the same FLOPs as one FMA unit).
    /// BF16: AMX (amx_bf16) does 1024 BF16 FLOP per cycle per core (Intel's AMX figures: 512 BF16 multiply-adds per
    /// cycle); AVX512_BF16 (vdpbf16ps) twice the FP32 rate; without either, none (BF16 has no native path).
    /// </summary>
    internal static class CpuPeak
    {
        public static CpuPeakFigure For(CpuFacts cpu, MatMulDataType type)
        {
            if (cpu == null) throw new ArgumentNullException(nameof(cpu));
            if (cpu.ClockGHz is not double ghz)
                return new CpuPeakFigure(null, "unknown: the clock could not be read (" + cpu.ClockSource + ")");
            var (units, bits, row) = FmaUnits(cpu);
            if (units == 0) return new CpuPeakFigure(null, "unknown: no FMA table row for " + cpu.Model + " (" + row + ")");
            int cores = cpu.PhysicalCores;
            string clock = string.Format(CultureInfo.InvariantCulture, "{0:0.###} GHz from {1}", ghz, cpu.ClockSource);
            double Figure(double flopsPerCycle) => cores * flopsPerCycle * ghz * 1e9 / 1e12;
            switch (type)
            {
                case MatMulDataType.FP32:
                case MatMulDataType.FP64:
                {
                    int lanes = bits / (type == MatMulDataType.FP32 ? 32 : 64);
                    double perCycle = units * lanes * 2;
                    return new CpuPeakFigure(Figure(perCycle), string.Format(CultureInfo.InvariantCulture,
                        "{0} physical cores x {1} FMA unit(s) x {2} {3} lanes x 2 x {4}; FMA units assumed: {5}", cores, units,
                            lanes, type, clock, row));
                }

                case MatMulDataType.BF16:
                    if (cpu.Has("amx_bf16"))
                        return new CpuPeakFigure(Figure(1024), string.Format(CultureInfo.InvariantCulture,
                            "{0} physical cores x 1024 BF16 FLOP per cycle (AMX tile unit: 512 multiply-adds per cycle) x {1}", cores,
                                clock));
                    if (cpu.Has("avx512_bf16"))
                    {
                        double perCycle = units * (bits / 32) * 2 * 2;
                        return new CpuPeakFigure(Figure(perCycle), string.Format(CultureInfo.InvariantCulture,
                            "{0} physical cores x {1} unit(s) x {2} BF16 pairs (vdpbf16ps) x 2 x {3}; FMA units assumed: {4}", cores, units,
                                bits / 32 * 2, clock, row));
                    }

                    return new CpuPeakFigure(null, "none: this CPU has no BF16 instructions (no amx_bf16 or avx512_bf16)");
                default:
                    return new CpuPeakFigure(null, "not measured on the CPU");
            }
        }

        /// <summary>FMA units per core, their width in bits, and the table row that applied (see the class comment).</summary>
        internal static (int Units, int Bits, string Row) FmaUnits(CpuFacts cpu)
        {
            bool intel = cpu.Vendor.IndexOf("Intel", StringComparison.OrdinalIgnoreCase) >= 0;
            bool amd = cpu.Vendor.IndexOf("AMD", StringComparison.OrdinalIgnoreCase) >= 0;
            bool avx512 = cpu.Has("avx512f"), fma = cpu.Has("fma"), avx = cpu.Has("avx");
            if (amd && cpu.Family == 0x17 && cpu.ModelNumber < 0x30) return (2, 128, "AMD Zen/Zen+ (family 17h): 2 x 128-bit FMA");
            if (amd && (cpu.Family == 0x17 || cpu.Family == 0x19) && fma)
                return (2, 256, "AMD Zen 2/3/4 (family 17h model 30h+ or 19h): 2 x 256-bit FMA");
            if (amd && cpu.Family >= 0x1A && avx512) return (2, 512, "AMD Zen 5 (family 1Ah): 2 x 512-bit FMA");
            if (amd && fma) return (2, 256, "AMD with FMA: 2 x 256-bit FMA");
            if (intel && avx512)
                return (2, 512, "Intel with AVX-512: 2 x 512-bit FMA (Xeon Gold 6xxx/Platinum and later; one unit on some parts)");
            if (intel && fma) return (2, 256, "Intel with AVX2 and FMA: 2 x 256-bit FMA");
            if (avx) return (1, 256, "AVX without FMA: one 256-bit multiply and one add per cycle");
            if (cpu.Has("asimd") || cpu.Has("neon")) return (0, 0, "Arm: the FMA unit count varies by core and is not tabled");
            return (0, 0, "no AVX");
        }
    }
}
