using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>madvise(2) from libc: hints to the Linux kernel about how a range of memory will be used.</summary>
    internal static unsafe class LinuxMemoryAdvice
    {
        private const int MADV_HUGEPAGE = 14;

        /// <summary>
        /// Asks for transparent huge pages over <paramref name="length"/> bytes from <paramref name="start"/> (both
        /// page aligned). False when the kernel refused or this libc has no madvise under this name (musl, another
        /// OS): the memory then stays on ordinary pages, which is correct, only slower.
        /// </summary>
        public static bool HugePages(void* start, long length)
        {
            try
            {
                return length > 0 && madvise((IntPtr)start, (UIntPtr)(ulong)length, MADV_HUGEPAGE) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return false;
            }
        }

        [DllImport("libc.so.6", SetLastError = true)]
        private static extern int madvise(IntPtr address, UIntPtr length, int advice);
    }
}
