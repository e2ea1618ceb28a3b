using System;
using System.Threading;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// Holds a stream closed while a batch is queued, as nvbandwidth does: the spin kernel waits on a flag in
    /// page-locked host memory mapped into the GPU, the host queues every copy of the batch behind it and then
    /// opens the flag, so the GPU runs the batch back to back and the time between the events measures the
    /// copies, not the host's enqueueing. The kernel gives up after <see cref="TimeoutNanoseconds"/> and says
    /// so, and that batch is then discarded (<see cref="BandwidthTimingException"/>).
    /// </summary>
    internal sealed unsafe class SpinGate : IDisposable
    {
        public const ulong TimeoutNanoseconds = 10UL * 1000 * 1000 * 1000;

        private readonly IGpuPort _port;
        private readonly PortFunction _spin;
        private readonly PinnedHostBuffer _flags;
        private readonly ulong _deviceFlags;

        private SpinGate(IGpuPort port, PortFunction spin, PinnedHostBuffer flags, ulong deviceFlags)
        {
            _port = port;
            _spin = spin;
            _flags = flags;
            _deviceFlags = deviceFlags;
        }

        public static SpinGate Create(IGpuPort port, BandwidthModule module)
        {
            PinnedHostBuffer flags = PinnedHostBuffer.Allocate(port, 64, mapped: true);
            try
            {
                return new SpinGate(port, module.Spin, flags, port.MappedAddress(flags.Pointer));
            }
            catch
            {
                flags.Dispose();
                throw;
            }
        }

        private uint* Flag => (uint*)_flags.Pointer;

        private uint* TimedOutFlag => (uint*)_flags.Pointer + 1;

        /// <summary>Closes the gate and queues the spin kernel on the stream.</summary>
        public void Close(PortStream stream)
        {
            Volatile.Write(ref *Flag, 0u);
            Volatile.Write(ref *TimedOutFlag, 0u);
            _port.Launch(_spin, 1, 1, stream,
                KernelArg.U64(_deviceFlags), KernelArg.U64(TimeoutNanoseconds), KernelArg.U64(_deviceFlags + 4));
        }

        /// <summary>Lets the queued batch run.</summary>
        public void Open()
        {
            Volatile.Write(ref *Flag, 1u);
            Interlocked.MemoryBarrier();
        }

        /// <summary>True when the spin kernel gave up before the host opened the gate (read after the batch completed).</summary>
        public bool TimedOut => Volatile.Read(ref *TimedOutFlag) != 0;

        public void Dispose() => _flags.Dispose();
    }
}
