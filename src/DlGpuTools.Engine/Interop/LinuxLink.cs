using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace DlGpuTools.Interop
{
    /// <summary>readlink and realpath through libc, which netstandard2.0 does not wrap.</summary>
    internal static class LinuxLink
    {
        // Paths go to libc as narrow strings; an unmappable character throws rather than silently naming another file.
        [DllImport("libc", EntryPoint = "readlink", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern IntPtr ReadLinkNative([MarshalAs(UnmanagedType.LPStr)] string path, byte[] buffer, IntPtr size);

        [DllImport("libc", EntryPoint = "realpath", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPStr)] string path, byte[] resolved);

        public static string? ReadLink(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
            try
            {
                var buffer = new byte[4096];
                long length = ReadLinkNative(path, buffer, new IntPtr(buffer.Length)).ToInt64();
                return length <= 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)length);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return null;
            }
        }

        public static string RealFolder(string folder)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return folder;
            try
            {
                var buffer = new byte[4096];
                if (RealPathNative(folder, buffer) == IntPtr.Zero) return folder;
                int end = Array.IndexOf(buffer, (byte)0);
                return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return folder;
            }
        }
    }
}
