using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// Runs the requested operations on the ranks this process drives (every local GPU, or one rank of many), size
    /// by size, as nccl-tests does: fill the inputs, warm up, time batches of iterations between CUDA events on each
    /// rank's stream, then fill again, poison the outputs, run once and compare with the host reference. Every wait
    /// is a poll bounded by the deadline, and every launch is one NCCL group over the local ranks, as one thread
    /// driving several GPUs must do.
    /// </summary>
    internal sealed class CollectiveRunner
    {
        private const int CheckAllBelow = 1 << 20;
        private const int Windows = 256;
        private const int WindowElements = 256;
        private const int FillChunkElements = 4 << 20;

        private readonly IGpuPort _port;
        private readonly NcclLibrary _nccl;
        private readonly CollectiveRequest _request;
        private readonly IReadOnlyList<RankSlot> _slots;
        private readonly CommunicatorSet _comms;
        private readonly CollectiveDeadline _deadline;
        private readonly int _ranks;
        private readonly Action<string, double>? _progress;

        public CollectiveRunner(IGpuPort port, NcclLibrary nccl, CollectiveRequest request, IReadOnlyList<RankSlot> slots, int ranks,
            CommunicatorSet comms, CollectiveDeadline deadline, Action<string, double>? progress)
        {
            _port = port;
            _nccl = nccl;
            _request = request;
            _slots = slots;
            _ranks = ranks;
            _comms = comms;
            _deadline = deadline;
            _progress = progress;
        }

        private int ElementBytes => CollectiveMath.ElementBytes(_request.DataType);

        private bool InPlace(CollectiveOperation operation) =>
            _request.Placement == CollectivePlacement.InPlace && operation != CollectiveOperation.AllToAll
                && operation != CollectiveOperation.SendRecv;

        /// <summary>Allocates for the largest size of every operation asked for.</summary>
        public void Allocate()
        {
            ulong send = 0, receive = 0;
            IReadOnlyList<ulong> all = CollectiveMath.Sizes(_request.MinBytes, _request.MaxBytes);
            ulong top = all[all.Count - 1];
            foreach (CollectiveOperation operation in _request.Operations)
            {
                CollectiveShape shape = CollectiveMath.Shape(operation, _request.DataType, top, _ranks);
                ulong es = (ulong)ElementBytes;
                if (InPlace(operation)) receive = Math.Max(receive, Math.Max(shape.SendElements, shape.ReceiveElements) * es);
                else
                {
                    send = Math.Max(send, shape.SendElements * es);
                    receive = Math.Max(receive, shape.ReceiveElements * es);
                }
            }

            foreach (RankSlot slot in _slots) slot.Allocate(send, receive);
            _deadline.Progress();
        }

        /// <summary>One operation over every size; a failure ends it and is recorded, never thrown past the ranks' results.</summary>
        public List<CollectiveRankOperation> Run(CollectiveOperation operation, int operationIndex, int operationCount)
        {
            var perSlot = _slots.Select(_ => new CollectiveRankOperation { Operation = operation.ToString() }).ToList();
            IReadOnlyList<ulong> sizes = CollectiveMath.Sizes(_request.MinBytes, _request.MaxBytes);
            for (int s = 0; s < sizes.Count; s++)
            {
                CollectiveShape shape = CollectiveMath.Shape(operation, _request.DataType, sizes[s], _ranks);
                _progress?.Invoke($"{operation} {shape.Bytes} B",
                    100.0 * (operationIndex * sizes.Count + s) / (operationCount * sizes.Count));
                List<double>[] batches = Time(operation, shape);
                long[] wrong = new long[_slots.Count], checkedCount = new long[_slots.Count];
                Verify(operation, shape, wrong, checkedCount);
                for (int i = 0; i < _slots.Count; i++)
                {
                    perSlot[i].Sizes.Add(new CollectiveRankSize
                    {
                        Bytes = shape.Bytes,
                        Elements = shape.CountArgument,
                        BatchMicroseconds = new ReadableList<double>(batches[i]),
                        WrongElements = wrong[i],
                        CheckedElements = checkedCount[i],
                    });
                }
            }

            return perSlot;
        }

        private List<double>[] Time(CollectiveOperation operation, CollectiveShape shape)
        {
            foreach (RankSlot slot in _slots) FillInputs(operation, shape, slot);
            for (int i = 0; i < _request.Warmup; i++) Launch(operation, shape);
            Wait("warm-up of " + operation + " at " + shape.Bytes + " bytes");
            var times = _slots.Select(_ => new List<double>()).ToArray();
            for (int b = 0; b < _request.Batches; b++)
            {
                foreach (RankSlot slot in _slots)
                {
                    using (slot.Enter()) slot.Start.Record(slot.Stream);
                }

                for (int i = 0; i < _request.Iterations; i++) Launch(operation, shape);
                foreach (RankSlot slot in _slots)
                {
                    using (slot.Enter()) slot.End.Record(slot.Stream);
                }

                Wait("a timed batch of " + operation + " at " + shape.Bytes + " bytes");
                for (int i = 0; i < _slots.Count; i++)
                {
                    using (_slots[i].Enter())
                    {
                        double ms = _slots[i].End.Since(_slots[i].Start);
                        times[i].Add(ms * 1000.0 / _request.Iterations);
                    }
                }
            }

            return times;
        }

        /// <summary>One operation on every local rank, in one NCCL group.</summary>
        private void Launch(CollectiveOperation operation, CollectiveShape shape)
        {
            _deadline.Check(operation + " launch");
            _nccl.ThrowIfFailed(_nccl.ncclGroupStart());
            try
            {
                foreach (RankSlot slot in _slots) Enqueue(operation, shape, slot);
            }
            finally
            {
                NcclResult end = _nccl.ncclGroupEnd();
                if (end != NcclResult.ncclSuccess && end != NcclResult.ncclInProgress) _nccl.ThrowIfFailed(end, "ncclGroupEnd");
            }
        }

        private void Enqueue(CollectiveOperation operation, CollectiveShape shape, RankSlot slot)
        {
            NcclDataType type = ToNccl(_request.DataType);
            ulong es = (ulong)ElementBytes;
            bool inPlace = InPlace(operation);
            ulong send = inPlace ? slot.Receive : slot.Send, receive = slot.Receive;
            switch (operation)
            {
                case CollectiveOperation.AllReduce:
                    _nccl.ThrowIfFailed(
                        _nccl.ncclAllReduce(send, receive, shape.CountArgument, type, NcclRedOp.ncclSum, slot.Comm, slot.StreamHandle));
                    break;
                case CollectiveOperation.AllGather:
                    if (inPlace) send = receive + (ulong)slot.Rank * shape.CountArgument * es;
                    _nccl.ThrowIfFailed(_nccl.ncclAllGather(send, receive, shape.CountArgument, type, slot.Comm, slot.StreamHandle));
                    break;
                case CollectiveOperation.ReduceScatter:
                    if (inPlace) receive = send + (ulong)slot.Rank * shape.CountArgument * es;
                    _nccl.ThrowIfFailed(
                        _nccl.ncclReduceScatter(send, receive, shape.CountArgument, type, NcclRedOp.ncclSum, slot.Comm, slot.StreamHandle));
                    break;
                case CollectiveOperation.Broadcast:
                    _nccl.ThrowIfFailed(_nccl.ncclBroadcast(send, receive, shape.CountArgument, type, 0, slot.Comm, slot.StreamHandle));
                    break;
                case CollectiveOperation.Reduce:
                    _nccl.ThrowIfFailed(
                        _nccl.ncclReduce(send, receive, shape.CountArgument, type, NcclRedOp.ncclSum, 0, slot.Comm, slot.StreamHandle));
                    break;
                case CollectiveOperation.AllToAll:
                    ulong share = shape.CountArgument;
                    for (int peer = 0; peer < _ranks; peer++)
                    {
                        ulong offset = (ulong)peer * share * es;
                        _nccl.ThrowIfFailed(_nccl.ncclSend(send + offset, share, type, peer, slot.Comm, slot.StreamHandle));
                        _nccl.ThrowIfFailed(_nccl.ncclRecv(receive + offset, share, type, peer, slot.Comm, slot.StreamHandle));
                    }

                    break;
                default:
                    int next = (slot.Rank + 1) % _ranks, previous = (slot.Rank - 1 + _ranks) % _ranks;
                    _nccl.ThrowIfFailed(_nccl.ncclSend(send, shape.CountArgument, type, next, slot.Comm, slot.StreamHandle));
                    _nccl.ThrowIfFailed(_nccl.ncclRecv(receive, shape.CountArgument, type, previous, slot.Comm, slot.StreamHandle));
                    break;
            }
        }

        /// <summary>Polls every rank's stream and the communicators' errors until all are idle, within the deadline.</summary>
        private void Wait(string step)
        {
            var spin = new SpinWait();
            while (true)
            {
                bool idle = true;
                foreach (RankSlot slot in _slots) idle &= slot.Idle();
                if (idle) break;
                NcclResult error = _comms.AsyncError(out IntPtr comm);
                if (error != NcclResult.ncclSuccess) _nccl.ThrowIfFailed(error, "ncclCommGetAsyncError");
                _deadline.Check(step);
                if (spin.NextSpinWillYield) Thread.Sleep(1);
                spin.SpinOnce();
            }

            NcclResult late = _comms.AsyncError(out _);
            if (late != NcclResult.ncclSuccess) _nccl.ThrowIfFailed(late, "ncclCommGetAsyncError");
            _deadline.Progress();
        }

        private static ulong InputElements(CollectiveShape shape) => shape.SendElements;

        private ulong InputAddress(CollectiveOperation operation, CollectiveShape shape, RankSlot slot)
        {
            if (!InPlace(operation)) return slot.Send;
            return operation == CollectiveOperation.AllGather
                ? slot.Receive + (ulong)slot.Rank * shape.CountArgument * (ulong)ElementBytes : slot.Receive;
        }

        private ulong OutputAddress(CollectiveOperation operation, CollectiveShape shape, RankSlot slot)
        {
            if (InPlace(operation) && operation == CollectiveOperation.ReduceScatter)
                return slot.Receive + (ulong)slot.Rank * shape.CountArgument * (ulong)ElementBytes;
            return slot.Receive;
        }

        /// <summary>
        /// Writes the rank's input pattern, in chunks through pageable memory (staged by the driver before the call returns).
        /// </summary>
        private void FillInputs(CollectiveOperation operation, CollectiveShape shape, RankSlot slot)
        {
            ulong elements = InputElements(shape);
            ulong address = InputAddress(operation, shape, slot);
            int es = ElementBytes;
            using (slot.Enter())
            {
                for (ulong first = 0; first < elements; first += FillChunkElements)
                {
                    int count = (int)Math.Min(FillChunkElements, elements - first);
                    byte[] chunk = new byte[count * es];
                    CollectivePattern.Fill(chunk, _request.DataType, slot.Rank, first, count);
                    GCHandle pin = GCHandle.Alloc(chunk, GCHandleType.Pinned);
                    try
                    {
                        _port.CopyToDevice(address + first * (ulong)es, pin.AddrOfPinnedObject(), (ulong)chunk.Length, slot.Stream);
                        _port.Synchronize(slot.Stream);
                    }
                    finally
                    {
                        pin.Free();
                    }
                }
            }
        }

        /// <summary>
        /// Fresh inputs, poisoned outputs (all bits set: NaN in every float type), one operation, then the outputs
        /// compared with the host reference: every element up to a million, else 256 windows of 256 elements spread
        /// over the buffer, the last one ending at its last element.
        /// </summary>
        private void Verify(CollectiveOperation operation, CollectiveShape shape, long[] wrong, long[] checkedCount)
        {
            int es = ElementBytes;
            foreach (RankSlot slot in _slots)
            {
                // In place, the whole buffer is poisoned first and the rank's input written over its part.
                ulong poison = InPlace(operation) ? Math.Max(shape.SendElements, shape.ReceiveElements) : shape.ReceiveElements;
                using (slot.Enter()) _port.Fill(slot.Receive, 0xFF, poison * (ulong)es, slot.Stream);

                FillInputs(operation, shape, slot);
            }

            Launch(operation, shape);
            Wait("the data check of " + operation + " at " + shape.Bytes + " bytes");
            ulong elements = shape.ReceiveElements;
            for (int i = 0; i < _slots.Count; i++)
            {
                RankSlot slot = _slots[i];
                ulong output = OutputAddress(operation, shape, slot);
                foreach ((ulong first, int count) in SampleWindows(elements))
                {
                    byte[] host = new byte[count * es];
                    GCHandle pin = GCHandle.Alloc(host, GCHandleType.Pinned);
                    try
                    {
                        using (slot.Enter())
                        {
                            _port.CopyToHost(pin.AddrOfPinnedObject(), output + first * (ulong)es, (ulong)host.Length, slot.Stream);
                            _port.Synchronize(slot.Stream);
                        }
                    }
                    finally
                    {
                        pin.Free();
                    }

                    for (int k = 0; k < count; k++)
                    {
                        float? expected = CollectivePattern.Expected(operation, shape, _ranks, slot.Rank, first + (ulong)k);
                        if (expected == null) continue;
                        checkedCount[i]++;
                        // Inputs and sums are small integers, exact in every type: equality is the right test.
                        if (ElementCodec.Read(host, k * es, _request.DataType) != expected.Value) wrong[i]++;
                    }
                }
            }

            _deadline.Progress();
        }

        private static IEnumerable<(ulong First, int Count)> SampleWindows(ulong elements)
        {
            if (elements <= CheckAllBelow)
            {
                yield return (0, (int)elements);
                yield break;
            }

            ulong stride = elements / Windows;
            for (int w = 0; w < Windows - 1; w++) yield return ((ulong)w * stride, WindowElements);
            yield return (elements - WindowElements, WindowElements);
        }

        public static NcclDataType ToNccl(CollectiveDataType type) =>
            type == CollectiveDataType.FP32 ? NcclDataType.ncclFloat32 : type == CollectiveDataType.BF16 ? NcclDataType.ncclBfloat16
                : NcclDataType.ncclFloat16;
    }
}
