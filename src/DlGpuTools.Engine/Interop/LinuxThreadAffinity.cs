using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The calling thread's CPU affinity through glibc's sched_getaffinity and sched_setaffinity (pid 0 names the
    /// calling thread, not the process), which netstandard2.0 does not wrap. Linux only.
    /// </summary>
    internal static class LinuxThreadAffinity
    {
        /// <summary>Mask words: 1024 CPUs, glibc's cpu_set_t and the size of the NVML CPU mask the module reads.</summary>
        public const int Words = 16;

        [DllImport("libc.so.6", EntryPoint = "sched_getaffinity", SetLastError = true)]
        private static extern int GetNative(int pid, UIntPtr size, [Out] ulong[] mask);

        [DllImport("libc.so.6", EntryPoint = "sched_setaffinity", SetLastError = true)]
        private static extern int SetNative(int pid, UIntPtr size, ulong[] mask);

        /// <summary>The CPUs the calling thread may run on; false with the reason where it cannot be read.</summary>
        public static bool TryGet(out ulong[] mask, out string? why)
        {
            var read = new ulong[Words];
            mask = read;
            return Call(() => GetNative(0, (UIntPtr)(Words * 8), read), "sched_getaffinity", out why);
        }

        /// <summary>Restricts the calling thread to <paramref name="mask"/>; false with the reason where the kernel refuses.</summary>
        public static bool TrySet(ulong[] mask, out string? why)
        {
            if (mask == null || mask.Length != Words) throw new ArgumentException($"A mask of {Words} words is needed.", nameof(mask));
            return Call(() => SetNative(0, (UIntPtr)(Words * 8), mask), "sched_setaffinity", out why);
        }

        private static bool Call(Func<int> call, string function, out string? why)
        {
            why = null;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                why = "threads are bound to CPUs on Linux only, as in nvbandwidth";
                return false;
            }

            try
            {
                if (call() == 0) return true;
                int errno = Marshal.GetLastWin32Error();
                why = $"{function} failed: {new Win32Exception(errno).Message} (errno {errno})";
                return false;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                // A C library other than glibc (musl) under another name.
                why = $"{function} is not in libc.so.6 ({e.GetType().Name})";
                return false;
            }
        }
    }
}
