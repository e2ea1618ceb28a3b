using System;
using System.Collections.Generic;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// One size of one operation laid out as nccl-tests lays it out (NVIDIA/nccl-tests src/*.cu, doc/PERFORMANCE.md):
    /// the bytes it reports, the element counts of the send and receive buffers, and the bus-bandwidth factor.
    /// </summary>
    internal readonly struct CollectiveShape
    {
        public CollectiveShape(ulong bytes, ulong sendElements, ulong receiveElements, ulong countArgument)
        {
            Bytes = bytes;
            SendElements = sendElements;
            ReceiveElements = receiveElements;
            CountArgument = countArgument;
        }

        /// <summary>nccl-tests' "size": the bytes that algbw divides by the time.</summary>
        public ulong Bytes { get; }

        public ulong SendElements { get; }

        public ulong ReceiveElements { get; }

        /// <summary>The count passed to NCCL (per rank for AllGather's send, ReduceScatter's receive, and each AllToAll share).</summary>
        public ulong CountArgument { get; }
    }

    internal static class CollectiveMath
    {
        public static int ElementBytes(CollectiveDataType type) => type == CollectiveDataType.FP32 ? 4 : 2;

        /// <summary>
        /// busbw / algbw (nccl-tests doc/PERFORMANCE.md): AllReduce 2(n-1)/n; AllGather, ReduceScatter and AllToAll
        /// (n-1)/n; Broadcast, Reduce and SendRecv 1. It makes the figure comparable with the link's own speed.
        /// </summary>
        public static double BusFactor(CollectiveOperation operation, int ranks)
        {
            if (ranks < 1) throw new ArgumentOutOfRangeException(nameof(ranks));
            double n = ranks;
            switch (operation)
            {
                case CollectiveOperation.AllReduce: return 2 * (n - 1) / n;
                case CollectiveOperation.AllGather:
                case CollectiveOperation.ReduceScatter:
                case CollectiveOperation.AllToAll: return (n - 1) / n;
                default: return 1;
            }
        }

        /// <summary>
        /// The buffers of one size. Sizes that split among the ranks (AllGather, ReduceScatter, AllToAll) are rounded
        /// down to a multiple of the rank count, and up to one element per rank, as nccl-tests rounds its counts.
        /// </summary>
        public static CollectiveShape Shape(CollectiveOperation operation, CollectiveDataType type, ulong requestedBytes, int ranks)
        {
            ulong size = (ulong)ElementBytes(type);
            ulong n = (ulong)ranks;
            ulong count = Math.Max(1, requestedBytes / size);
            switch (operation)
            {
                case CollectiveOperation.AllGather:
                    count = Math.Max(n, count / n * n);
                    return new CollectiveShape(count * size, count / n, count, count / n);
                case CollectiveOperation.ReduceScatter:
                    count = Math.Max(n, count / n * n);
                    return new CollectiveShape(count * size, count, count / n, count / n);
                case CollectiveOperation.AllToAll:
                    count = Math.Max(n, count / n * n);
                    return new CollectiveShape(count * size, count, count, count / n);
                default:
                    return new CollectiveShape(count * size, count, count, count);
            }
        }

        /// <summary>
        /// Powers of two from <paramref name="minBytes"/> (doubling, nccl-tests -f 2) up to and including <paramref name="maxBytes"/>.
        /// </summary>
        public static IReadOnlyList<ulong> Sizes(ulong minBytes, ulong maxBytes)
        {
            var sizes = new List<ulong>();
            for (ulong b = Math.Max(1, minBytes); b <= maxBytes; b *= 2)
            {
                sizes.Add(b);
                if (b > ulong.MaxValue / 2) break;
            }

            return sizes;
        }

        /// <summary>How each operation's bytes are counted, for the result's Method.</summary>
        public static string ByteCounting(CollectiveOperation operation)
        {
            switch (operation)
            {
                case CollectiveOperation.AllGather:
                    return "size = the whole gathered output (rank count x each rank's share), busbw = algbw x (n-1)/n";
                case CollectiveOperation.ReduceScatter:
                    return "size = the whole input of each rank (rank count x each rank's output), busbw = algbw x (n-1)/n";
                case CollectiveOperation.AllToAll:
                    return "size = each rank's whole send buffer (one share per rank), busbw = algbw x (n-1)/n";
                case CollectiveOperation.AllReduce: return "size = one rank's buffer, busbw = algbw x 2(n-1)/n";
                case CollectiveOperation.SendRecv: return "size = the buffer each rank sends, busbw = algbw";
                default: return "size = one rank's buffer, busbw = algbw";
            }
        }
    }
}
