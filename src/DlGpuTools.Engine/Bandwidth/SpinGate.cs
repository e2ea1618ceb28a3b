using System;
using System.Threading;
using DlGpuTools.Interop;

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

        private readonly CudaDriver _driver;
        private readonly IntPtr _spin;
        private readonly PinnedHostBuffer _flags;
        private readonly ulong _deviceFlags;

        private SpinGate(CudaDriver driver, IntPtr spin, PinnedHostBuffer flags, ulong deviceFlags)
        {
            _driver = driver;
            _spin = spin;
            _flags = flags;
            _deviceFlags = deviceFlags;
        }

        public static SpinGate Create(CudaDriver driver, BandwidthModule module)
        {
            PinnedHostBuffer flags = PinnedHostBuffer.Allocate(driver, 64, CudaDriver.CU_MEMHOSTALLOC_DEVICEMAP | CudaDriver.CU_MEMHOSTALLOC_PORTABLE);
            try
            {
                driver.ThrowIfFailed(driver.cuMemHostGetDevicePointer(out ulong device, flags.Pointer));
                return new SpinGate(driver, module.Spin, flags, device);
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
        public void Close(IntPtr stream)
        {
            Volatile.Write(ref *Flag, 0u);
            Volatile.Write(ref *TimedOutFlag, 0u);
            ulong flag = _deviceFlags, timeout = TimeoutNanoseconds, timedOut = _deviceFlags + 4;
            IntPtr* args = stackalloc IntPtr[3];
            args[0] = (IntPtr)(&flag);
            args[1] = (IntPtr)(&timeout);
            args[2] = (IntPtr)(&timedOut);
            _driver.ThrowIfFailed(_driver.cuLaunchKernel(_spin, 1, 1, 0, stream, args));
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
