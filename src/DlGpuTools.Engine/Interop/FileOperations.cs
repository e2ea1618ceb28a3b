using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The file-system calls netstandard2.0 lacks or gets wrong for an atomic replace: rename(2) over an existing
    /// file (File.Move refuses an existing target, and File.Replace needs one, so two first writers race), and
    /// chmod/chown to give the new file the old one's mode and group.
    /// </summary>
    internal static class FileOperations
    {
        /// <summary>Renames <paramref name="source"/> over <paramref name="target"/> in one step, replacing a file that is there.</summary>
        public static void RenameOver(string source, string target)
        {
            if (PlatformInfo.IsWindows)
            {
                if (!MoveFileExW(source, target, MoveFileReplaceExisting | MoveFileWriteThrough))
                    throw new IOException($"Could not move {source} to {target}: "
                        + $"{new Win32Exception(Marshal.GetLastWin32Error()).Message}");
                return;
            }

            if (Rename(source, target) != 0) throw Failure("rename", target);
        }

        /// <summary>Sets the permission bits (07777) of a file; Unix only, nothing on Windows.</summary>
        public static void SetMode(string path, uint mode)
        {
            if (PlatformInfo.IsWindows) return;
            if (Chmod(path, mode) != 0) throw Failure("chmod", path);
        }

        /// <summary>Sets the owner and group of a file; <c>uint.MaxValue</c> leaves one as it is. Unix only.</summary>
        public static bool TrySetOwner(string path, uint owner, uint group, out string? why)
        {
            why = null;
            if (PlatformInfo.IsWindows) return true;
            if (Chown(path, owner, group) == 0) return true;
            int errno = Marshal.GetLastWin32Error();
            why = $"{new Win32Exception(errno).Message} (errno {errno})";
            return false;
        }

        /// <summary>
        /// Creates one folder with <paramref name="mode"/> from the start (mkdir(2), less the umask), so it is never open
        /// to others between its creation and a chmod; false when something is already there. Unix only.
        /// </summary>
        public static bool TryCreateDirectory(string path, uint mode)
        {
            if (MakeDirectory(path, mode) == 0) return true;
            int errno = Marshal.GetLastWin32Error();
            if (errno == 17) return false; // EEXIST
            throw Failure("mkdir", path);
        }

        /// <summary>The process's effective user id (0 for root); Unix only.</summary>
        public static uint EffectiveUserId => PlatformInfo.IsWindows ? uint.MaxValue : GetEuid();

        private static IOException Failure(string call, string path)
        {
            int errno = Marshal.GetLastWin32Error();
            return new IOException($"{call} {path}: {new Win32Exception(errno).Message} (errno {errno})");
        }

        private const uint MoveFileReplaceExisting = 0x1, MoveFileWriteThrough = 0x8;

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool MoveFileExW(string existing, string newName, uint flags);

        [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Rename(string oldPath, string newPath);

        [DllImport("libc", EntryPoint = "chmod", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Chmod(string path, uint mode);

        [DllImport("libc", EntryPoint = "chown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Chown(string path, uint owner, uint group);

        [DllImport("libc", EntryPoint = "mkdir", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int MakeDirectory(string path, uint mode);

        [DllImport("libc", EntryPoint = "geteuid")]
        private static extern uint GetEuid();
    }
}
