using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A path that names something other than a regular file (a FIFO, a device, a socket, a folder) where a file was expected.
    /// </summary>
    internal sealed class NotARegularFileException : IOException
    {
        public NotARegularFileException(string path, FileStatus status)
            : this(path, status.Kind, status.Describe(), "it was not opened")
        {
        }

        /// <param name="path">The path.</param>
        /// <param name="kind">What is there.</param>
        /// <param name="description">What is there, in words ("a symbolic link to nothing").</param>
        /// <param name="consequence">What was not done to it ("it was not replaced").</param>
        public NotARegularFileException(string path, FileKind kind, string description, string consequence)
            : base($"{path} is {description}, not a regular file: {consequence}.")
        {
            Path = path;
            Kind = kind;
            Description = description;
        }

        public string Path { get; }

        public FileKind Kind { get; }

        /// <summary>What is at the path, in words.</summary>
        public string Description { get; }
    }

    /// <summary>A file longer than the reader's cap, counted as it was read (a pipe or /proc file reports length 0).</summary>
    internal sealed class FileTooLargeException : IOException
    {
        public FileTooLargeException(string path, long limit)
            : base($"{path} holds more than {limit:N0} bytes, the limit for this file; it was not read further.")
        {
            Path = path;
            Limit = limit;
        }

        public string Path { get; }

        public long Limit { get; }
    }

    /// <summary>
    /// Reads files that other people may have planted: only a regular file is opened (a FIFO would block the open,
    /// and a link to /dev/zero never ends), and no more than a cap is read, counting the bytes as they come rather
    /// than trusting the length the file reports.
    /// </summary>
    internal static class BoundedFile
    {
        /// <summary>
        /// Throws <see cref="FileNotFoundException"/>, <see cref="NotARegularFileException"/> or
        /// <see cref="FileTooLargeException"/> (all <see cref="IOException"/>s) instead of reading what is not
        /// a regular file of at most <paramref name="maxBytes"/> bytes.
        /// </summary>
        public static byte[] ReadAllBytes(string path, long maxBytes)
        {
            EnsureRegular(path);
            using (FileStream stream = OpenRegular(path))
            using (var copy = new MemoryStream())
            {
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (copy.Length + n > maxBytes) throw new FileTooLargeException(path, maxBytes);
                    copy.Write(buffer, 0, n);
                }

                return copy.ToArray();
            }
        }

        /// <summary>The file's text (UTF-8, a byte-order mark skipped), with the checks of <see cref="ReadAllBytes"/>.</summary>
        public static string ReadAllText(string path, long maxBytes)
        {
            byte[] bytes = ReadAllBytes(path, maxBytes);
            int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return new UTF8Encoding(false).GetString(bytes, skip, bytes.Length - skip);
        }

        /// <summary>
        /// Opens what <paramref name="path"/> names now and checks that very file: between a check by name and an open
        /// by name, whoever owns the folder could put a FIFO there, and a plain open of a FIFO waits for a writer
        /// forever. On Linux the open does not wait (O_NONBLOCK, which does nothing to a regular file) and the
        /// descriptor's own file is checked through /proc/self/fd; elsewhere the check by name stands.
        /// </summary>
        private static FileStream OpenRegular(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int fd = Open(path, OpenReadOnly | OpenNonBlocking | OpenCloseOnExec);
            if (fd < 0)
            {
                int errno = Marshal.GetLastWin32Error();
                if (errno == NoSuchFile) throw new FileNotFoundException($"{path} does not exist.", path);
                if (errno == PermissionDenied) throw new UnauthorizedAccessException($"{path} may not be read by this user.");
                throw new IOException($"{path} could not be opened (errno {errno}).");
            }

            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            try
            {
                FileStatus opened = FileStatus.Of("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (opened.Exists && opened.Kind != FileKind.Regular) throw new NotARegularFileException(path, opened);
                return new FileStream(handle, FileAccess.Read);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        // Linux's values on every architecture .NET runs on (x86-64, arm64): include/uapi/asm-generic/fcntl.h.
        private const int OpenReadOnly = 0;
        private const int OpenNonBlocking = 0x800;
        private const int OpenCloseOnExec = 0x80000;
        private const int NoSuchFile = 2;
        private const int PermissionDenied = 13;

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Open(string path, int flags);

        /// <summary>Throws unless <paramref name="path"/> names (through links) an existing regular file.</summary>
        public static void EnsureRegular(string path)
        {
            FileStatus status = FileStatus.Of(path);
            if (!status.Exists)
                throw new FileNotFoundException($"{path} does not "
                + $"exist{(FileStatus.OfLink(path).Kind == FileKind.SymbolicLink ? " (a symbolic link to nothing)" : string.Empty)}.",
                    path);
            if (status.Kind != FileKind.Regular) throw new NotARegularFileException(path, status);
        }
    }
}
