using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>What a command needs to know about a native-library failure without naming the native layer's types.</summary>
    public static class LibraryFailures
    {
        /// <summary>
        /// Whether <paramref name="e"/> says a library (the driver, cuBLASLt, NVML, ...) was not found or refused on
        /// this machine: every later measurement would fail the same way, so a command stops rather than repeat it.
        /// </summary>
        public static bool IsLibraryNotFound(Exception e) => e is NativeLibraryNotFoundException;
    }
}
