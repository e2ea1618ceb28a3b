using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// One rank this process drives: its GPU's primary context (the context NCCL works in: it selects devices with
    /// cudaSetDevice, see https://github.com/NVIDIA/nccl/issues/565), a non-blocking stream, two events and the
    /// send and receive buffers. Everything is created and freed inside that context, on the worker thread.
    /// </summary>
    internal sealed class RankSlot : IDisposable
    {
        private readonly CudaDriver _cuda;
        private bool _retained;

        public RankSlot(CudaDriver cuda, int rank, int device)
        {
            _cuda = cuda;
            Rank = rank;
            Device = device;
        }

        public int Rank { get; }

        /// <summary>The CUDA ordinal in this process (after CUDA_VISIBLE_DEVICES).</summary>
        public int Device { get; }

        public IntPtr Context { get; private set; }

        public IntPtr Stream { get; private set; }

        public IntPtr Start { get; private set; }

        public IntPtr End { get; private set; }

        public IntPtr Comm { get; set; }

        public ulong Send { get; private set; }

        public ulong Receive { get; private set; }

        public ulong SendBytes { get; private set; }

        public ulong ReceiveBytes { get; private set; }

        public void Open()
        {
            _cuda.ThrowIfFailed(_cuda.cuDeviceGet(Device, out int handle));
            _cuda.ThrowIfFailed(_cuda.cuDevicePrimaryCtxRetain(handle, out IntPtr context));
            Context = context;
            _retained = true;
            using (Enter())
            {
                _cuda.ThrowIfFailed(_cuda.cuStreamCreate(out IntPtr stream, 1 /* CU_STREAM_NON_BLOCKING */));
                Stream = stream;
                _cuda.ThrowIfFailed(_cuda.cuEventCreate(out IntPtr start, 0));
                Start = start;
                _cuda.ThrowIfFailed(_cuda.cuEventCreate(out IntPtr end, 0));
                End = end;
            }
        }

        /// <summary>Allocates the buffers (the receive buffer alone when <paramref name="sendBytes"/> is 0: in place).</summary>
        public void Allocate(ulong sendBytes, ulong receiveBytes)
        {
            using (Enter())
            {
                if (sendBytes > 0)
                {
                    _cuda.ThrowIfFailed(_cuda.cuMemAlloc(sendBytes, out ulong send));
                    Send = send;
                    SendBytes = sendBytes;
                }

                _cuda.ThrowIfFailed(_cuda.cuMemAlloc(receiveBytes, out ulong receive));
                Receive = receive;
                ReceiveBytes = receiveBytes;
            }
        }

        public Scope Enter()
        {
            _cuda.ThrowIfFailed(_cuda.cuCtxPushCurrent(Context));
            return new Scope(_cuda);
        }

        /// <summary>True when all work queued on the stream is done.</summary>
        public bool Idle()
        {
            using (Enter())
            {
                CudaResult r = _cuda.cuStreamQuery(Stream);
                if (r == CudaResult.CUDA_ERROR_NOT_READY) return false;
                _cuda.ThrowIfFailed(r);
                return true;
            }
        }

        public void Dispose()
        {
            if (!_retained) return;
            using (Enter())
            {
                if (Send != 0) _cuda.cuMemFree(Send);
                if (Receive != 0) _cuda.cuMemFree(Receive);
                if (Start != IntPtr.Zero) _cuda.cuEventDestroy(Start);
                if (End != IntPtr.Zero) _cuda.cuEventDestroy(End);
                if (Stream != IntPtr.Zero) _cuda.cuStreamDestroy(Stream);
            }

            Send = Receive = 0;
            Start = End = Stream = IntPtr.Zero;
            _cuda.cuDeviceGet(Device, out int handle);
            _cuda.cuDevicePrimaryCtxRelease(handle);
            _retained = false;
        }

        /// <summary>Pops the context pushed by <see cref="Enter"/>, on the same thread.</summary>
        internal readonly struct Scope : IDisposable
        {
            private readonly CudaDriver _cuda;

            public Scope(CudaDriver cuda)
            {
                _cuda = cuda;
            }

            public void Dispose() => _cuda.cuCtxPopCurrent(out _);
        }
    }
}
