using System;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// One rank this process drives: its GPU's primary context (the context NCCL works in: it selects devices with
    /// cudaSetDevice, see https://github.com/NVIDIA/nccl/issues/565), a non-blocking stream, two events and the
    /// send and receive buffers, all held through the GPU port. Everything is created and freed inside that context,
    /// on the worker thread; NCCL gets the raw stream handle and buffer addresses.
    /// </summary>
    internal sealed class RankSlot : IDisposable
    {
        private readonly IGpuPort _port;
        private IPortLease? _lease;
        private OwnedStream? _stream;
        private GpuEvent? _start;
        private GpuEvent? _end;
        private DeviceMemory? _send;
        private DeviceMemory? _receive;

        public RankSlot(IGpuPort port, int rank, int device)
        {
            _port = port;
            Rank = rank;
            Device = device;
        }

        public int Rank { get; }

        /// <summary>The CUDA ordinal in this process (after CUDA_VISIBLE_DEVICES).</summary>
        public int Device { get; }

        public PortStream Stream => (_stream ?? throw NotOpen()).Stream;

        /// <summary>The driver's stream handle, for NCCL.</summary>
        public IntPtr StreamHandle => Stream.Handle;

        public GpuEvent Start => _start ?? throw NotOpen();

        public GpuEvent End => _end ?? throw NotOpen();

        public IntPtr Comm { get; set; }

        public ulong Send => _send?.Pointer ?? 0;

        public ulong Receive => _receive?.Pointer ?? 0;

        public ulong SendBytes => _send?.Bytes ?? 0;

        public ulong ReceiveBytes => _receive?.Bytes ?? 0;

        public void Open()
        {
            _lease = _port.LeasePrimary(Device);
            using (Enter())
            {
                _stream = new OwnedStream(_port);
                _start = GpuEvent.Create(_port);
                _end = GpuEvent.Create(_port);
            }
        }

        /// <summary>Allocates the buffers (the receive buffer alone when <paramref name="sendBytes"/> is 0: in place).</summary>
        public void Allocate(ulong sendBytes, ulong receiveBytes)
        {
            using (Enter())
            {
                if (sendBytes > 0) _send = DeviceMemory.Allocate(_port, sendBytes);
                _receive = DeviceMemory.Allocate(_port, receiveBytes);
            }
        }

        public IDisposable Enter() => (_lease ?? throw NotOpen()).Enter();

        /// <summary>True when all work queued on the stream is done.</summary>
        public bool Idle()
        {
            using (Enter()) return _port.Idle(Stream);
        }

        public void Dispose()
        {
            if (_lease == null) return;
            using (Enter())
            {
                _send?.Dispose();
                _receive?.Dispose();
                _start?.Dispose();
                _end?.Dispose();
                _stream?.Dispose();
            }

            _send = _receive = null;
            _start = _end = null;
            _stream = null;
            _lease.Dispose();
            _lease = null;
        }

        private static InvalidOperationException NotOpen() => new InvalidOperationException("The rank's slot is not open.");
    }
}
