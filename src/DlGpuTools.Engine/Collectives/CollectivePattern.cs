using System;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// The data every rank sends and what each rank must receive. Inputs are small integers (-4..4) that depend on
    /// the rank and the index, so a sum over up to 64 ranks stays an integer of at most 256 in magnitude: exact in
    /// FP32, BF16 (8 significant bits) and FP16 (11), whatever order NCCL adds in. A wrong element is then wrong by
    /// at least one unit, and the check needs no tolerance.
    /// </summary>
    internal static class CollectivePattern
    {
        public static float Input(int rank, ulong index) => (float)((long)((index * 5 + (ulong)rank * 3 + 1) % 9) - 4);

        /// <summary>
        /// What receiving rank <paramref name="rank"/> must hold at output element <paramref name="index"/>; null where
        /// the operation defines nothing there (Reduce's output on ranks other than the root).
        /// </summary>
        public static float? Expected(CollectiveOperation operation, CollectiveShape shape, int ranks, int rank, ulong index)
        {
            switch (operation)
            {
                case CollectiveOperation.AllReduce:
                    return Sum(ranks, index);
                case CollectiveOperation.Reduce:
                    return rank == 0 ? Sum(ranks, index) : (float?)null;
                case CollectiveOperation.Broadcast:
                    return Input(0, index);
                case CollectiveOperation.AllGather:
                    return Input((int)(index / shape.CountArgument), index % shape.CountArgument);
                case CollectiveOperation.ReduceScatter:
                    return Sum(ranks, (ulong)rank * shape.CountArgument + index);
                case CollectiveOperation.AllToAll:
                    ulong share = shape.CountArgument;
                    return Input((int)(index / share), (ulong)rank * share + index % share);
                case CollectiveOperation.SendRecv:
                    return Input((rank - 1 + ranks) % ranks, index);
                default:
                    throw new ArgumentOutOfRangeException(nameof(operation));
            }
        }

        private static float Sum(int ranks, ulong index)
        {
            float sum = 0;
            for (int r = 0; r < ranks; r++) sum += Input(r, index);
            return sum;
        }

        /// <summary>Writes <paramref name="count"/> input elements of <paramref name="rank"/>, from element <paramref name="first"/>, in
        /// the type's bytes.</summary>
        public static void Fill(byte[] destination, CollectiveDataType type, int rank, ulong first, int count)
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            int size = CollectiveMath.ElementBytes(type);
            // The pattern repeats every 9 elements: compute one block of whole periods, then copy it along (a 1 GiB
            // buffer is filled at memory speed, not one conversion per element).
            int block = Math.Min(count, PeriodBlock);
            for (int i = 0; i < block; i++) ElementCodec.Write(destination, i * size, type, Input(rank, first + (ulong)i));
            for (int done = block; done < count; done += block)
                Buffer.BlockCopy(destination, 0, destination, done * size, Math.Min(block, count - done) * size);
        }

        /// <summary>A whole number of the pattern's 9-element periods.</summary>
        private const int PeriodBlock = 9 * 1024;
    }

    /// <summary>FP32, BF16 and FP16 to and from bytes (little-endian), without System.Half (absent from netstandard2.0).</summary>
    internal static unsafe class ElementCodec
    {
        public static void Write(byte[] buffer, int offset, CollectiveDataType type, float value)
        {
            uint bits = *(uint*)&value;
            switch (type)
            {
                case CollectiveDataType.FP32:
                    buffer[offset] = (byte)bits;
                    buffer[offset + 1] = (byte)(bits >> 8);
                    buffer[offset + 2] = (byte)(bits >> 16);
                    buffer[offset + 3] = (byte)(bits >> 24);
                    return;
                case CollectiveDataType.BF16:
                    // Round to nearest even on the dropped 16 bits.
                    uint rounded = bits + 0x7FFF + ((bits >> 16) & 1);
                    ushort bf = (ushort)(rounded >> 16);
                    buffer[offset] = (byte)bf;
                    buffer[offset + 1] = (byte)(bf >> 8);
                    return;
                default:
                    ushort half = ToHalf(value);
                    buffer[offset] = (byte)half;
                    buffer[offset + 1] = (byte)(half >> 8);
                    return;
            }
        }

        public static float Read(byte[] buffer, int offset, CollectiveDataType type)
        {
            switch (type)
            {
                case CollectiveDataType.FP32:
                    return BitConverter.ToSingle(buffer, offset);
                case CollectiveDataType.BF16:
                    uint bits = (uint)(buffer[offset] | (buffer[offset + 1] << 8)) << 16;
                    return *(float*)&bits;
                default:
                    return FromHalf((ushort)(buffer[offset] | (buffer[offset + 1] << 8)));
            }
        }

        /// <summary>IEEE binary16, round to nearest even; overflow to infinity.</summary>
        public static ushort ToHalf(float value)
        {
            uint f = *(uint*)&value;
            uint sign = (f >> 16) & 0x8000;
            int exponent = (int)((f >> 23) & 0xFF);
            uint mantissa = f & 0x7FFFFF;
            if (exponent == 0xFF) return (ushort)(sign | 0x7C00 | (mantissa != 0 ? 0x200u : 0));
            int e = exponent - 127 + 15;
            if (e >= 0x1F) return (ushort)(sign | 0x7C00);
            if (e <= 0)
            {
                if (e < -10) return (ushort)sign;
                mantissa |= 0x800000;
                int shift = 14 - e;
                uint sub = mantissa >> shift;
                uint rest = mantissa & ((1u << shift) - 1);
                uint halfway = 1u << (shift - 1);
                if (rest > halfway || (rest == halfway && (sub & 1) != 0)) sub++;
                return (ushort)(sign | sub);
            }

            uint m = mantissa >> 13;
            uint r = mantissa & 0x1FFF;
            uint result = sign | ((uint)e << 10) | m;
            if (r > 0x1000 || (r == 0x1000 && (m & 1) != 0)) result++;
            return (ushort)result;
        }

        public static float FromHalf(ushort h)
        {
            int sign = (h >> 15) & 1;
            int exponent = (h >> 10) & 0x1F;
            int mantissa = h & 0x3FF;
            double value = exponent == 0 ? mantissa * Math.Pow(2, -24)
                : exponent == 0x1F ? (mantissa == 0 ? double.PositiveInfinity : double.NaN)
                : (1 + mantissa / 1024.0) * Math.Pow(2, exponent - 15);
            return (float)(sign == 1 ? -value : value);
        }
    }
}
