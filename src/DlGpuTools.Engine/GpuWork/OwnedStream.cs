using System;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.GpuWork
{
    /// <summary>A stream of the current context, destroyed on Dispose.</summary>
    internal sealed class OwnedStream : IDisposable
    {
        private readonly IGpuPort _port;
        private bool _destroyed;

        public OwnedStream(IGpuPort port)
        {
            _port = port;
            Stream = port.CreateStream();
        }

        public PortStream Stream { get; }

        public void Synchronize() => _port.Synchronize(Stream);

        public void Dispose()
        {
            if (_destroyed) return;
            _destroyed = true;
            _port.Destroy(Stream);
        }
    }
}
