using System;
using System.Runtime.InteropServices;
using DlGpuTools.Interop;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// A matrix in native memory aligned to 2 MiB and, on Linux, marked for transparent huge pages
    /// (madvise MADV_HUGEPAGE), as numpy allocates large arrays. A BLAS's packing walks the operands column by
    /// column; on 4 KiB pages every column is a TLB miss at 4096 and beyond, which cost about a fifth of the FP32
    /// rate against numpy on the 16-core Xeon. Where huge pages are off, the advice is ignored and nothing changes.
    /// </summary>
    internal sealed unsafe class HostMatrix : IDisposable
    {
        private const long Alignment = 2L << 20;
        private IntPtr _raw;

        public HostMatrix(long bytes)
        {
            if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes));
            _raw = Marshal.AllocHGlobal(new IntPtr(bytes + Alignment));
            long aligned = ((long)_raw + Alignment - 1) & ~(Alignment - 1);
            Pointer = (void*)aligned;
            Bytes = bytes;
            HugePages = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Advise(Pointer, bytes);
        }

        public void* Pointer { get; }

        public long Bytes { get; }

        /// <summary>True when the kernel accepted the huge-page advice (it still decides whether to use them).</summary>
        public bool HugePages { get; }

        public void Dispose()
        {
            if (_raw == IntPtr.Zero) return;
            Marshal.FreeHGlobal(_raw);
            _raw = IntPtr.Zero;
        }

        // Whole huge pages only: the advice covers the aligned prefix.
        private static bool Advise(void* start, long bytes) => LinuxMemoryAdvice.HugePages(start, bytes & ~(Alignment - 1));
    }
}
