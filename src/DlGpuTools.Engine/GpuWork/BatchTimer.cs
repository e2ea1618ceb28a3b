using System;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// Two events of the current context that time the work queued between them on one stream: the GPU's own clock,
    /// so host scheduling between the calls does not count.
    /// </summary>
    internal sealed class BatchTimer : IDisposable
    {
        private readonly IGpuPort _port;
        private readonly PortEvent _start;
        private readonly PortEvent _end;
        private bool _disposed;

        private BatchTimer(IGpuPort port, PortEvent start, PortEvent end)
        {
            _port = port;
            _start = start;
            _end = end;
        }

        public static BatchTimer Create(IGpuPort port)
        {
            PortEvent start = port.CreateEvent();
            try
            {
                return new BatchTimer(port, start, port.CreateEvent());
            }
            catch
            {
                port.Destroy(start);
                throw;
            }
        }

        public void Start(PortStream stream) => _port.Record(_start, stream);

        /// <summary>Records the end, waits for it, and returns the milliseconds since <see cref="Start"/>.</summary>
        public double Stop(PortStream stream)
        {
            _port.Record(_end, stream);
            _port.Synchronize(_end);
            return _port.ElapsedMilliseconds(_start, _end);
        }

        /// <summary>One batch of <paramref name="operations"/> queued by <paramref name="queue"/>, in milliseconds per operation.</summary>
        public double Time(PortStream stream, int operations, Action<PortStream> queue)
        {
            Start(stream);
            for (int i = 0; i < operations; i++) queue(stream);
            return Stop(stream) / operations;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _port.Destroy(_start);
            _port.Destroy(_end);
        }
    }
}
