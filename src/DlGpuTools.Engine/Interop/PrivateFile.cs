using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A new file that only its owner can read, private from the moment it exists: open(2) with O_CREAT|O_EXCL|O_NOFOLLOW
    /// and mode 0600, so there is no window in which others may open it and no link is followed to a file elsewhere
    /// (a chmod by path after creating it would follow one). netstandard2.0 has no way to pass a mode to FileStream.
    /// Reference: open(2), https://man7.org/linux/man-pages/man2/open.2.html.
    /// </summary>
    internal static class PrivateFile
    {
        private const int OpenWriteOnly = 0x1, OpenCreate = 0x40, OpenExclusive = 0x80, OpenCloseOnExec = 0x80000;
        private const uint OwnerReadWrite = 0x180; // rw-------
        private const int AlreadyExists = 17;      // EEXIST

        /// <summary>
        /// Creates <paramref name="path"/> for writing with mode 0600 (less the umask); throws <see cref="IOException"/>
        /// when anything, a link included, is already there. On Windows a plain new file (its folder's ACL applies).
        /// </summary>
        public static FileStream CreateNew(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (PlatformInfo.IsWindows) return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (!PlatformInfo.IsLinux) throw new PlatformNotSupportedException("Private files are made with Linux's open(2) flags.");

            int fd = Open(path, OpenWriteOnly | OpenCreate | OpenExclusive | NoFollow | OpenCloseOnExec, OwnerReadWrite);
            if (fd < 0)
            {
                int errno = Marshal.GetLastWin32Error();
                string why = errno == AlreadyExists ? "something is already there" : new Win32Exception(errno).Message;
                throw new IOException($"open {path}: {why} (errno {errno})");
            }

            var handle = new SafeFileHandle(new IntPtr(fd), ownsHandle: true);
            try
            {
                return new FileStream(handle, FileAccess.Write);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        // O_NOFOLLOW is 0400000 on x86 and x86-64 but 0100000 on Arm (asm-generic/fcntl.h against arch/arm*/include/uapi/asm/fcntl.h).
        private static int NoFollow
        {
            get
            {
                Architecture architecture = RuntimeInformation.ProcessArchitecture;
                return architecture == Architecture.Arm64 || architecture == Architecture.Arm ? 0x8000 : 0x20000;
            }
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Open(string path, int flags, uint mode);
    }
}
