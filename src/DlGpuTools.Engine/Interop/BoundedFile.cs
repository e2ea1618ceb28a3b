using System.IO;
using System.Text;

namespace DlGpuTools.Interop
{
    /// <summary>A path that names something other than a regular file (a FIFO, a device, a socket, a folder) where a file was expected.</summary>
    public sealed class NotARegularFileException : IOException
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
    public sealed class FileTooLargeException : IOException
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
    public static class BoundedFile
    {
        /// <summary>
        /// Throws <see cref="FileNotFoundException"/>, <see cref="NotARegularFileException"/> or
        /// <see cref="FileTooLargeException"/> (all <see cref="IOException"/>s) instead of reading what is not
        /// a regular file of at most <paramref name="maxBytes"/> bytes.
        /// </summary>
        public static byte[] ReadAllBytes(string path, long maxBytes)
        {
            EnsureRegular(path);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
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

        /// <summary>Throws unless <paramref name="path"/> names (through links) an existing regular file.</summary>
        public static void EnsureRegular(string path)
        {
            FileStatus status = FileStatus.Of(path);
            if (!status.Exists) throw new FileNotFoundException($"{path} does not exist{(FileStatus.OfLink(path).Kind == FileKind.SymbolicLink ? " (a symbolic link to nothing)" : string.Empty)}.", path);
            if (status.Kind != FileKind.Regular) throw new NotARegularFileException(path, status);
        }
    }
}
