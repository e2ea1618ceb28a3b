using System;
using System.Runtime.InteropServices;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// Host memory for host-device copies: page-locked (cuMemHostAlloc, what the copy engines can reach
    /// directly) or pageable (an ordinary managed array, which the driver stages through its own page-locked
    /// buffers, as it does for most programs' memory). Placement is what the OS gave this process: the
    /// module never changes the process's CPU or NUMA affinity.
    /// </summary>
    internal abstract class HostBuffer : IDisposable
    {
        protected HostBuffer(ulong bytes)
        {
            Bytes = bytes;
        }

        public ulong Bytes { get; }

        public abstract IntPtr Pointer { get; }

        public abstract bool PageLocked { get; }

        public abstract void Dispose();

        public unsafe uint ReadWord(ulong wordIndex) => ((uint*)Pointer)[wordIndex];

        public unsafe void Clear()
        {
            byte* p = (byte*)Pointer;
            ulong words = Bytes / 8;
            for (ulong i = 0; i < words; i++) ((ulong*)p)[i] = 0;
            for (ulong i = words * 8; i < Bytes; i++) p[i] = 0;
        }
    }

    /// <summary>Page-locked memory from cuMemHostAlloc through the port, freed by cuMemFreeHost (with its context current).</summary>
    internal sealed class PinnedHostBuffer : HostBuffer
    {
        private readonly IGpuPort _port;
        private IntPtr _pointer;

        private PinnedHostBuffer(IGpuPort port, IntPtr pointer, ulong bytes, bool mapped)
            : base(bytes)
        {
            _port = port;
            _pointer = pointer;
            Mapped = mapped;
        }

        public override IntPtr Pointer => _pointer;

        public override bool PageLocked => true;

        /// <summary>Allocated mapped into the GPUs' address space, so it has a device address.</summary>
        public bool Mapped { get; }

        /// <summary>
        /// Allocates; a refusal (the OS's locked-memory limit, or no memory) is a <see cref="PinnedMemoryRefusedException"/>.
        /// </summary>
        public static PinnedHostBuffer Allocate(IGpuPort port, ulong bytes, bool mapped)
        {
            IntPtr pointer;
            try
            {
                pointer = port.AllocateHost(bytes, mapped);
            }
            catch (CudaException refused)
            {
                throw new PinnedMemoryRefusedException(bytes, refused);
            }

            return new PinnedHostBuffer(port, pointer, bytes, mapped);
        }

        public override void Dispose()
        {
            if (_pointer == IntPtr.Zero) return;
            _port.FreeHost(_pointer);
            _pointer = IntPtr.Zero;
        }
    }

    /// <summary>
    /// Ordinary process memory (malloc, through Marshal.AllocHGlobal), started on a page boundary: what a C or
    /// Python program's data is, and with no 2 GiB limit (a .NET array was used before). On an H100 host, torch's
    /// pageable host-to-device copies from its own tensors, from anonymous mmap memory and from mmap memory advised
    /// for or against huge pages all ran at 5.5-7.6 GB/s with 12-20% spreads: the kind of pageable memory does not
    /// decide the figure (bench/results/pageable-memory-1xh100-2026-11-27.txt).
    /// </summary>
    internal sealed class PageableHostBuffer : HostBuffer
    {
        private const int PageBytes = 4096;
        private IntPtr _allocation;
        private readonly IntPtr _pointer;

        private PageableHostBuffer(IntPtr allocation, ulong bytes)
            : base(bytes)
        {
            _allocation = allocation;
            _pointer = (IntPtr)(((long)allocation + PageBytes - 1) & ~(long)(PageBytes - 1));
        }

        public override IntPtr Pointer => _pointer;

        public override bool PageLocked => false;

        /// <summary>Allocates; the memory is not touched here (the test fills or clears it before timing).</summary>
        public static PageableHostBuffer Allocate(ulong bytes)
        {
            IntPtr allocation;
            try
            {
                allocation = Marshal.AllocHGlobal(new IntPtr(checked((long)bytes + PageBytes)));
            }
            catch (Exception e) when (e is OutOfMemoryException || e is OverflowException)
            {
                throw new BandwidthBufferTooLargeException("A pageable host buffer", bytes, e);
            }

            return new PageableHostBuffer(allocation, bytes);
        }

        public override void Dispose()
        {
            IntPtr allocation = System.Threading.Interlocked.Exchange(ref _allocation, IntPtr.Zero);
            if (allocation != IntPtr.Zero) Marshal.FreeHGlobal(allocation);
        }
    }
}
