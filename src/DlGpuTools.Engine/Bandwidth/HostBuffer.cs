using System;
using System.Runtime.InteropServices;
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

    /// <summary>Page-locked memory from cuMemHostAlloc, freed by cuMemFreeHost (with its context current).</summary>
    internal sealed class PinnedHostBuffer : HostBuffer
    {
        private readonly CudaDriver _driver;
        private IntPtr _pointer;

        private PinnedHostBuffer(CudaDriver driver, IntPtr pointer, ulong bytes)
            : base(bytes)
        {
            _driver = driver;
            _pointer = pointer;
        }

        public override IntPtr Pointer => _pointer;

        public override bool PageLocked => true;

        /// <summary>Allocates; a refusal (the OS's locked-memory limit, or no memory) is a <see cref="PinnedMemoryRefusedException"/>.</summary>
        public static PinnedHostBuffer Allocate(CudaDriver driver, ulong bytes, uint flags)
        {
            CudaResult r = driver.cuMemHostAlloc(out IntPtr pointer, bytes, flags);
            if (r != CudaResult.CUDA_SUCCESS) throw new PinnedMemoryRefusedException(bytes, driver.CreateException(r, "cuMemHostAlloc"));
            return new PinnedHostBuffer(driver, pointer, bytes);
        }

        public override void Dispose()
        {
            if (_pointer == IntPtr.Zero) return;
            _driver.cuMemFreeHost(_pointer);
            _pointer = IntPtr.Zero;
        }
    }

    /// <summary>An ordinary managed array, pinned only against the garbage collector's moves while copies use it.</summary>
    internal sealed class PageableHostBuffer : HostBuffer
    {
        private readonly byte[]?[] _keepAlive;
        private GCHandle _handle;

        private PageableHostBuffer(byte[] array)
            : base((ulong)array.LongLength)
        {
            _keepAlive = new[] { array };
            _handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        }

        public override IntPtr Pointer => _handle.AddrOfPinnedObject();

        public override bool PageLocked => false;

        public static PageableHostBuffer Allocate(ulong bytes)
        {
            if (bytes > int.MaxValue) throw new BandwidthBufferTooLargeException($"A pageable host buffer of {bytes:N0} bytes", bytes, int.MaxValue, "pageable host buffers are .NET arrays of at most 2 GiB");
            return new PageableHostBuffer(new byte[bytes]);
        }

        public override void Dispose()
        {
            if (_handle.IsAllocated) _handle.Free();
            _keepAlive[0] = null;
        }
    }
}
