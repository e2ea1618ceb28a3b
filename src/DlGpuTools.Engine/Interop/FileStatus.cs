using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>What sort of thing a path names, as stat(2) tells it.</summary>
    internal enum FileKind
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        Other,
    }

    /// <summary>
    /// A path's type, permission bits, owner and size, read without opening it: .NET's FileInfo cannot tell a FIFO
    /// or a device from a file, and opening a FIFO to find out blocks until a writer comes (a hang Ctrl+C cannot
    /// stop), while a link to /dev/zero reports length 0 and never ends. On Windows only Missing, Regular and
    /// Directory are told apart (named pipes and devices are not paths a file API walks into).
    /// </summary>
    internal sealed class FileStatus
    {
        private FileStatus(FileKind kind, uint mode, uint uid, uint gid, long size)
        {
            Kind = kind;
            Mode = mode;
            OwnerId = uid;
            GroupId = gid;
            Size = size;
        }

        public FileKind Kind { get; }

        /// <summary>The permission bits (07777); 0 on Windows.</summary>
        public uint Mode { get; }

        public uint OwnerId { get; }

        public uint GroupId { get; }

        public long Size { get; }

        public bool Exists => Kind != FileKind.Missing;

        /// <summary>The kind in words, for messages: "a FIFO (named pipe)", "a character device".</summary>
        public string Describe()
        {
            switch (Kind)
            {
                case FileKind.Missing: return "nothing (it does not exist)";
                case FileKind.Regular: return "a regular file";
                case FileKind.Directory: return "a folder";
                case FileKind.SymbolicLink: return "a symbolic link";
                case FileKind.Fifo: return "a FIFO (named pipe)";
                case FileKind.CharacterDevice: return "a character device";
                case FileKind.BlockDevice: return "a block device";
                case FileKind.Socket: return "a socket";
                default: return "not a regular file";
            }
        }

        /// <summary>The status of what <paramref name="path"/> names, following symbolic links (a dangling link is Missing).</summary>
        public static FileStatus Of(string path) => Read(path, followLinks: true);

        /// <summary>The status of the path itself: a symbolic link is SymbolicLink, whatever it points at.</summary>
        public static FileStatus OfLink(string path) => Read(path, followLinks: false);

        private static FileStatus Read(string path, bool followLinks)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (PlatformInfo.IsWindows) return Windows(path);
            return UnixStat.Read(path, followLinks);
        }

        private static FileStatus Windows(string path)
        {
            if (Directory.Exists(path)) return new FileStatus(FileKind.Directory, 0, 0, 0, 0);
            var info = new FileInfo(path);
            if (!info.Exists) return new FileStatus(FileKind.Missing, 0, 0, 0, 0);
            return new FileStatus((info.Attributes & FileAttributes.Device) != 0 ? FileKind.Other : FileKind.Regular, 0, 0, 0, info.Length);
        }

        internal static FileStatus FromUnixMode(uint mode, uint uid, uint gid, long size)
        {
            FileKind kind;
            switch (mode & 0xF000)
            {
                case 0x8000: kind = FileKind.Regular; break;
                case 0x4000: kind = FileKind.Directory; break;
                case 0xA000: kind = FileKind.SymbolicLink; break;
                case 0x1000: kind = FileKind.Fifo; break;
                case 0x2000: kind = FileKind.CharacterDevice; break;
                case 0x6000: kind = FileKind.BlockDevice; break;
                case 0xC000: kind = FileKind.Socket; break;
                default: kind = FileKind.Other; break;
            }

            return new FileStatus(kind, mode & 0xFFF, uid, gid, size);
        }

        internal static FileStatus MissingFile() => new FileStatus(FileKind.Missing, 0, 0, 0, 0);
    }

    /// <summary>
    /// stat(2) through the C library. statx has one layout on every architecture (glibc 2.28+, musl 1.2.5+); older
    /// C libraries export stat (glibc 2.33+, musl) or only __xstat (glibc before 2.33), whose struct differs
    /// between x86-64 and AArch64, so the offsets of st_mode, st_uid, st_gid and st_size are chosen per machine.
    /// </summary>
    internal static class UnixStat
    {
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint StatxBasicStats = 0x7FF;
        private const int ENOENT = 2, ENOTDIR = 20, ELOOP = 40, ENOSYS = 38, ENAMETOOLONG = 36;

        // 0 untried, 1 statx works, 2 use stat/lstat, 3 use __xstat/__lxstat.
        private static int _method;

        public static FileStatus Read(string path, bool followLinks)
        {
            var buffer = new byte[256];
            int result;
            int errno;
            if (_method <= 1)
            {
                try
                {
                    result = StatX(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer);
                    errno = result == 0 ? 0 : Marshal.GetLastWin32Error();
                    if (!(result != 0 && errno == ENOSYS))
                    {
                        _method = 1;
                        return result == 0
                            ? FileStatus.FromUnixMode(BitConverter.ToUInt16(buffer, 28), BitConverter.ToUInt32(buffer, 20),
                                BitConverter.ToUInt32(buffer, 24), BitConverter.ToInt64(buffer, 40))
                            : Failed(path, errno);
                    }
                }
                catch (EntryPointNotFoundException)
                {
                }

                _method = 2;
            }

            bool arm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
            if (_method == 2)
            {
                try
                {
                    result = followLinks ? Stat(path, buffer) : LStat(path, buffer);
                    errno = result == 0 ? 0 : Marshal.GetLastWin32Error();
                    return result == 0 ? FromStruct(buffer, arm64) : Failed(path, errno);
                }
                catch (EntryPointNotFoundException)
                {
                    _method = 3;
                }
            }

            int version = arm64 ? 0 : 1; // _STAT_VER of each machine's glibc
            result = followLinks ? XStat(version, path, buffer) : LXStat(version, path, buffer);
            errno = result == 0 ? 0 : Marshal.GetLastWin32Error();
            return result == 0 ? FromStruct(buffer, arm64) : Failed(path, errno);
        }

        private static FileStatus FromStruct(byte[] b, bool arm64) => arm64
            ? FileStatus.FromUnixMode(BitConverter.ToUInt32(b, 16), BitConverter.ToUInt32(b, 24), BitConverter.ToUInt32(b, 28),
                BitConverter.ToInt64(b, 48))
            : FileStatus.FromUnixMode(BitConverter.ToUInt32(b, 24), BitConverter.ToUInt32(b, 28), BitConverter.ToUInt32(b, 32),
                BitConverter.ToInt64(b, 48));

        private static FileStatus Failed(string path, int errno)
        {
            if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == ENAMETOOLONG) return FileStatus.MissingFile();
            throw new IOException($"{path}: {new Win32Exception(errno).Message} (errno {errno})");
        }

        [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int StatX(int dirfd, string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Stat(string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "lstat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int LStat(string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "__xstat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int XStat(int version, string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "__lxstat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int LXStat(int version, string path, byte[] buffer);
    }
}
