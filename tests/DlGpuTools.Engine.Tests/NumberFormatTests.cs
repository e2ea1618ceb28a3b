using System;
using DlGpuTools.Benchmarks;
using DlGpuTools.GpuWork;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class NumberFormatTests
    {
        [Theory]
        [InlineData(1.0f, 0x3C00)]
        [InlineData(-2.0f, 0xC000)]
        [InlineData(0.5f, 0x3800)]
        [InlineData(65504f, 0x7BFF)]
        [InlineData(1e6f, 0x7C00)]
        [InlineData(5.96046448e-8f, 0x0001)]
        [InlineData(0f, 0x0000)]
        public void Half_conversion_matches_ieee_binary16(float value, int bits)
        {
            Assert.Equal((ushort)bits, NumberFormats.ToHalf(value));
            if (!float.IsInfinity(NumberFormats.FromHalf((ushort)bits))) Assert.Equal(value, NumberFormats.FromHalf((ushort)bits), 3);
        }

        [Fact]
        public void Half_rounds_to_nearest_even()
        {
            // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1.0).
            Assert.Equal(0x3C00, NumberFormats.ToHalf(1f + (float)Math.Pow(2, -11)));
            Assert.Equal(0x3C02, NumberFormats.ToHalf(1f + 3 * (float)Math.Pow(2, -11)));
        }

        [Fact]
        public void Bfloat16_keeps_the_exponent_and_rounds_the_mantissa()
        {
            Assert.Equal(0x3F80, NumberFormats.ToBFloat16(1f));
            Assert.Equal(1f, NumberFormats.FromBFloat16(0x3F80));
            Assert.Equal(0x3F81, NumberFormats.ToBFloat16(1.0078125f));
            Assert.Equal(3.140625f, NumberFormats.FromBFloat16(NumberFormats.ToBFloat16(3.14159f)));
        }

        [Fact]
        public void E4m3_round_trips_every_code_and_saturates_at_448()
        {
            for (int code = 0; code < 256; code++)
            {
                if ((code & 0x7F) == 0x7F) continue; // NaN
                if (code == 0x80) continue;           // negative zero encodes as zero
                float v = NumberFormats.FromE4M3((byte)code);
                Assert.Equal((byte)code, NumberFormats.ToE4M3(v));
            }

            Assert.Equal(448f, NumberFormats.FromE4M3(NumberFormats.ToE4M3(1000f)));
            Assert.Equal(0.875f, NumberFormats.FromE4M3(NumberFormats.ToE4M3(0.9f)));
        }

        [Fact]
        public void Tf32_keeps_ten_mantissa_bits()
        {
            Assert.Equal(1f, NumberFormats.ToTf32(1f + (float)Math.Pow(2, -12)));
            Assert.Equal(1f + (float)Math.Pow(2, -10), NumberFormats.ToTf32(1f + (float)Math.Pow(2, -10)));
        }

        [Fact]
        public void Inputs_are_deterministic_uniform_and_never_zero_filled()
        {
            double sum = 0, sumSquares = 0;
            int zeros = 0;
            const int n = 100000;
            for (int i = 0; i < n; i++)
            {
                float v = GemmOperands.InputValue(42, i);
                Assert.InRange(v, -1f, 1f);
                Assert.Equal(v, GemmOperands.InputValue(42, i));
                if (v == 0) zeros++;
                sum += v;
                sumSquares += v * v;
            }

            Assert.InRange(sum / n, -0.02, 0.02);          // mean of U(-1, 1) is 0
            Assert.InRange(sumSquares / n, 0.32, 0.35);     // variance is 1/3
            Assert.True(zeros < 5);
            Assert.NotEqual(GemmOperands.InputValue(42, 7), GemmOperands.InputValue(43, 7));
        }

        [Fact]
        public void Peaks_come_from_the_card_table_per_type()
        {
            Assert.Equal(989.5, MatMulBenchmark.PeakTflops("NVIDIA H200", MatMulDataType.BF16));
            Assert.Equal(67, MatMulBenchmark.PeakTflops("NVIDIA H200", MatMulDataType.FP64)); // FP64 tensor cores
            Assert.Equal(494.7, MatMulBenchmark.PeakTflops("NVIDIA H100 80GB HBM3", MatMulDataType.TF32));
            Assert.Equal(1978.9, MatMulBenchmark.PeakTflops("NVIDIA H100 80GB HBM3", MatMulDataType.FP8));
            Assert.Equal(82.6, MatMulBenchmark.PeakTflops("NVIDIA GeForce RTX 4090", MatMulDataType.FP32));
            // Ada whitepaper, FP32 accumulate (from the card table)
            Assert.Equal(330.3, MatMulBenchmark.PeakTflops("NVIDIA GeForce RTX 4090", MatMulDataType.FP8));
            Assert.Null(MatMulBenchmark.PeakTflops("NVIDIA Fake H100 80GB HBM3", MatMulDataType.BF16));
        }
    }
}
