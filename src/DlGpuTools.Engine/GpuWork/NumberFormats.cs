using System;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// Conversions between double and the GEMM element formats, on the host: the inputs are made here, and
    /// the reference is computed from exactly the values the GPU sees (after rounding to the format).
    /// Round-to-nearest-even throughout, as the hardware's conversions do.
    /// </summary>
    internal static class NumberFormats
    {
        public static ushort ToHalf(float value)
        {
            uint bits = (uint)BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
            uint sign = (bits >> 16) & 0x8000;
            int exponent = (int)((bits >> 23) & 0xFF) - 127 + 15;
            uint mantissa = bits & 0x7FFFFF;
            if (((bits >> 23) & 0xFF) == 0xFF) return (ushort)(sign | 0x7C00 | (mantissa != 0 ? 0x200u : 0));
            if (exponent >= 31) return (ushort)(sign | 0x7C00);
            if (exponent <= 0)
            {
                if (exponent < -10) return (ushort)sign;
                mantissa |= 0x800000;
                int shift = 14 - exponent;
                uint half = mantissa >> shift;
                uint rest = mantissa & ((1u << shift) - 1);
                uint midpoint = 1u << (shift - 1);
                if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) half++;
                return (ushort)(sign | half);
            }

            uint result = sign | ((uint)exponent << 10) | (mantissa >> 13);
            uint remainder = mantissa & 0x1FFF;
            if (remainder > 0x1000 || (remainder == 0x1000 && (result & 1) != 0)) result++;
            return (ushort)result;
        }

        public static float FromHalf(ushort half)
        {
            int sign = (half >> 15) & 1;
            int exponent = (half >> 10) & 0x1F;
            int mantissa = half & 0x3FF;
            double value;
            if (exponent == 0) value = mantissa * Math.Pow(2, -24);
            else if (exponent == 31) value = mantissa == 0 ? double.PositiveInfinity : double.NaN;
            else value = (1 + mantissa / 1024.0) * Math.Pow(2, exponent - 15);
            return (float)(sign == 1 ? -value : value);
        }

        public static ushort ToBFloat16(float value)
        {
            uint bits = (uint)BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
            if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
            uint rounding = 0x7FFF + ((bits >> 16) & 1);
            return (ushort)((bits + rounding) >> 16);
        }

        public static float FromBFloat16(ushort value) => BitConverter.ToSingle(BitConverter.GetBytes((uint)value << 16), 0);

        private static readonly float[] E4M3Values = BuildE4M3();

        /// <summary>FP8 E4M3 (the "fn" variant: bias 7, no infinities, NaN at 0x7F/0xFF, largest 448).</summary>
        public static float FromE4M3(byte code) => E4M3Values[code];

        public static byte ToE4M3(float value)
        {
            if (float.IsNaN(value)) return 0x7F;
            byte sign = (byte)(value < 0 ? 0x80 : 0);
            float magnitude = Math.Min(Math.Abs(value), 448f);
            // Positive codes 0x00..0x7E are in increasing order; find the nearest, ties to the even code.
            int lo = 0, hi = 0x7E;
            while (lo < hi)
            {
                int mid = (lo + hi + 1) / 2;
                if (E4M3Values[mid] <= magnitude) lo = mid; else hi = mid - 1;
            }

            int best = lo;
            if (lo < 0x7E)
            {
                float below = magnitude - E4M3Values[lo];
                float above = E4M3Values[lo + 1] - magnitude;
                if (above < below || (above == below && (lo & 1) == 1)) best = lo + 1;
            }

            return (byte)(sign | best);
        }

        private static float[] BuildE4M3()
        {
            var values = new float[256];
            for (int code = 0; code < 256; code++)
            {
                int exponent = (code >> 3) & 0xF;
                int mantissa = code & 7;
                double v;
                if ((code & 0x7F) == 0x7F) v = double.NaN;
                else if (exponent == 0) v = mantissa / 8.0 * Math.Pow(2, -6);
                else v = (1 + mantissa / 8.0) * Math.Pow(2, exponent - 7);
                values[code] = (float)((code & 0x80) != 0 ? -v : v);
            }

            return values;
        }

        /// <summary>TF32 keeps FP32's exponent and 10 of its 23 mantissa bits (round to nearest).</summary>
        public static float ToTf32(float value)
        {
            uint bits = (uint)BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
            uint rounding = 0xFFF + ((bits >> 13) & 1);
            return BitConverter.ToSingle(BitConverter.GetBytes((bits + rounding) & 0xFFFFE000), 0);
        }
    }
}
