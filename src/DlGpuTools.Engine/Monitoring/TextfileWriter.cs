using System;
using System.IO;
using System.Text;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Writes a file so that a reader sees either the old or the new content, never half of one: node_exporter's
    /// textfile collector may read the file at any moment. The text goes to a temporary file in the same folder
    /// (same file system, so the rename is atomic; its name does not end in .prom, so the collector skips it),
    /// is flushed to disk, then renamed over the target.
    /// </summary>
    public static class TextfileWriter
    {
        public static void WriteAtomically(string path, string content)
        {
            string full = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(full);
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The folder '{folder}' does not exist; create it or point -Path at the textfile collector's folder.");
            string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                Replace(temp, full);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        // netstandard2.0 has no File.Move(overwrite). File.Replace is a rename(2) on Unix and ReplaceFile on
        // Windows; it needs the target to exist, so a first write is a plain move.
        private static void Replace(string temp, string target)
        {
            if (File.Exists(target)) File.Replace(temp, target, null);
            else File.Move(temp, target);
        }
    }
}
