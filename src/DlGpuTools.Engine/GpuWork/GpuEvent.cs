using System;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.GpuWork
{
    /// <summary>One event of the current context, destroyed on Dispose.</summary>
    internal sealed class GpuEvent : IDisposable
    {
        private readonly IGpuPort _port;
        private bool _destroyed;

        private GpuEvent(IGpuPort port, PortEvent handle)
        {
            _port = port;
            Handle = handle;
        }

        public PortEvent Handle { get; }

        public static GpuEvent Create(IGpuPort port) => new GpuEvent(port, port.CreateEvent());

        public void Record(PortStream stream) => _port.Record(Handle, stream);

        public void Synchronize() => _port.Synchronize(Handle);

        /// <summary>Milliseconds from <paramref name="start"/> to this event (both recorded and complete).</summary>
        public double Since(GpuEvent start) => _port.ElapsedMilliseconds(start.Handle, Handle);

        public void Dispose()
        {
            if (_destroyed) return;
            _destroyed = true;
            _port.Destroy(Handle);
        }
    }
}
