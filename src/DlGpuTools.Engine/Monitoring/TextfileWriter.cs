using System;
using System.IO;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Writes a file so that a reader sees either the old or the new content, never half of one: node_exporter's
    /// textfile collector may read the file at any moment. The text goes to a temporary file in the same folder
    /// (same file system, so the rename is atomic; its name does not end in .prom, so the collector skips it),
    /// is flushed to disk, given the old file's mode, owner and group (or 0644 for a new file), then renamed over
    /// the target with rename(2), which also lets two writers of a new file both succeed.
    /// </summary>
    /// <remarks>
    /// The target must be a regular file or nothing. The writer often runs as root from a timer, so a rename over a
    /// FIFO, a device node or a symbolic link would replace it (as root, -Path /dev/null turned /dev/null into a
    /// regular file), and a link planted in a shared folder would redirect the write.
    /// </remarks>
    public static class TextfileWriter
    {
        /// <summary>rw-r--r--: node_exporter runs as its own user and must read the file, whatever the writer's umask.</summary>
        public const uint NewFileMode = 0x1A4;

        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/>; returns null, or a note when the old file's
        /// owner or group could not be kept (the content was written). Throws <see cref="MetricExportException"/> for a
        /// missing folder (MetricFolderNotFound), a target that is not a regular file (MetricPathNotAFile, left as it was)
        /// and a write the file system refused (MetricFileNotWritten).
        /// </summary>
        public static string? WriteAtomically(string path, string content)
        {
            try
            {
                return Replace(path, content);
            }
            catch (DirectoryNotFoundException)
            {
                throw MetricExportException.FolderNotFound(Path.GetDirectoryName(path));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw MetricExportException.FileNotWritten(path, e.Message);
            }
        }

        private static string? Replace(string path, string content)
        {
            string full = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(full);
            if (!Directory.Exists(folder)) throw MetricExportException.FolderNotFound(Path.GetDirectoryName(path));
            FileStatus existing = FileStatus.OfLink(full);
            if (existing.Kind == FileKind.SymbolicLink)
            {
                bool dangling = !FileStatus.Of(full).Exists;
                throw NotARegularFile(full, dangling ? "a symbolic link to nothing (a dangling link)" : "a symbolic link",
                    "it was not replaced or followed");
            }

            if (existing.Exists && existing.Kind != FileKind.Regular)
                throw NotARegularFile(full, existing.Describe(), "it was not replaced");

            string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            string? note = null;
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                if (existing.Exists)
                {
                    FileOperations.SetMode(temp, existing.Mode);
                    note = KeepOwner(temp, full, existing);
                }
                else
                {
                    FileOperations.SetMode(temp, NewFileMode);
                }

                FileOperations.RenameOver(temp, full);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }

            return note;
        }

        private static MetricExportException NotARegularFile(string path, string description, string consequence) =>
            MetricExportException.PathNotAFile($"{path} is {description}, not a regular file: {consequence}");

        private static string? KeepOwner(string temp, string target, FileStatus existing)
        {
            // Root keeps owner and group; another user can keep a group it belongs to, and its own ownership.
            if (FileOperations.TrySetOwner(temp, existing.OwnerId, existing.GroupId, out _)) return null;
            if (FileOperations.TrySetOwner(temp, uint.MaxValue, existing.GroupId, out string? why))
                return $"{target} was owned by user id {existing.OwnerId}; the new file is owned by this user, with "
                    + "the old group and mode.";
            return $"{target} had group id {existing.GroupId}, which this user cannot give the new file ({why}); it has the old mode, and "
                + "this user's group. Check that node_exporter can still read it.";
        }
    }
}
