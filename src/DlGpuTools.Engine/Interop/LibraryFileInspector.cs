using System;
using System.IO;
using System.Text;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Judges a shared library from its bytes, without loading it: ELF (Linux) or PE (Windows) magic, 64-bit,
    /// built for this process's machine, and long enough to hold the header tables and sections it declares
    /// (a truncated copy fails here). For ELF it also reads the soname.
    /// Two users: the cuDNN sub-library check, which must not load what it inspects (a library we load stays in
    /// the process and would let cuDNN find it later by name even where a user's program would not), and the
    /// loader, which must not hand glibc a truncated library: dlopen maps segments past the end of the file and
    /// the process dies of SIGBUS when it touches them.
    /// </summary>
    internal static class LibraryFileInspector
    {
        public sealed class Verdict
        {
            /// <summary>Null when the file looks like a usable library; otherwise what is wrong with it.</summary>
            public string? Problem { get; set; }

            /// <summary>DT_SONAME of an ELF library, when it has one.</summary>
            public string? Soname { get; set; }

            public bool Usable => Problem == null;
        }

        private const ushort ElfMachineX86_64 = 62, ElfMachineAarch64 = 183;
        private const ushort PeMachineAmd64 = 0x8664, PeMachineArm64 = 0xAA64;

        /// <param name="path">The file.</param>
        /// <param name="arm64">Whether the process that would load it is arm64 (else x86-64).</param>
        public static Verdict Inspect(string path, bool arm64)
        {
            try
            {
                // Only a regular file is opened: a FIFO planted at a library's path would block the open (and
                // Ctrl+C with it), and a device such as /dev/zero has no end.
                FileStatus status = FileStatus.Of(path);
                if (!status.Exists) return new Verdict { Problem = "not readable: no such file" };
                if (status.Kind == FileKind.Directory) return new Verdict { Problem = "a folder, not a file" };
                if (status.Kind != FileKind.Regular)
                    return new Verdict { Problem = status.Describe() + ", not a library file (not opened)" };
                // Only the headers and the tables they point to are read: cuDNN's engine library is hundreds of MB.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    var file = new FileBytes(stream);
                    byte[] head = file.At(0, 64);
                    if (head.Length >= 4 && head[0] == 0x7F && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F')
                    {
                        try
                        {
                            return Elf(file, head, arm64);
                        }
                        catch (OverflowException)
                        {
                            // Offsets and counts that add up past 2^64 or past an array's size: crafted or corrupt.
                            return new Verdict { Problem = DamagedElf + " (offsets or sizes out of range)" };
                        }
                    }

                    if (head.Length >= 2 && head[0] == (byte)'M' && head[1] == (byte)'Z') return Pe(file, head, arm64);
                    return new Verdict { Problem = file.Length == 0 ? "an empty file"
                        : $"not a shared library (no ELF or PE header; {file.Length} bytes)" };
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return new Verdict { Problem = "not readable: " + e.Message };
            }
        }

        private sealed class FileBytes
        {
            private readonly FileStream _stream;

            public FileBytes(FileStream stream)
            {
                _stream = stream;
                Length = stream.Length;
            }

            public long Length { get; }

            /// <summary>Up to <paramref name="count"/> bytes at an offset; fewer at the end of the file.</summary>
            public byte[] At(ulong offset, int count)
            {
                if (offset >= (ulong)Length || count <= 0) return Array.Empty<byte>();
                count = (int)Math.Min((ulong)count, (ulong)Length - offset);
                var buffer = new byte[count];
                _stream.Position = (long)offset;
                int read = 0;
                while (read < count)
                {
                    int n = _stream.Read(buffer, read, count - read);
                    if (n <= 0) break;
                    read += n;
                }

                if (read < count) Array.Resize(ref buffer, read);
                return buffer;
            }
        }

        private const string DamagedElf = "a damaged ELF header";

        // Every sum and product of header fields is checked: they come from the file, and a crafted header makes an
        // unchecked sum wrap around to a small offset that passes the length test.
        private static Verdict Elf(FileBytes file, byte[] b, bool arm64)
        {
            checked
            {
                if (b.Length < 64) return new Verdict { Problem = $"truncated: {file.Length} bytes, shorter than an ELF header" };
                if (b[4] != 2) return new Verdict { Problem = "a 32-bit ELF library; this process is 64-bit" };
                if (b[5] != 1) return new Verdict { Problem = "a big-endian ELF library" };
                ushort machine = U16(b, 18);
                ushort expected = arm64 ? ElfMachineAarch64 : ElfMachineX86_64;
                if (machine != expected)
                    return new Verdict { Problem = $"built for ELF machine {machine} ({ElfMachineName(machine)}); this process needs "
                    + $"{expected} ({ElfMachineName(expected)})" };
                ulong phoff = U64(b, 32), shoff = U64(b, 40);
                ushort phentsize = U16(b, 54), phnum = U16(b, 56), shentsize = U16(b, 58), shnum = U16(b, 60);
                ulong length = (ulong)file.Length;
                if (phentsize < 56) return new Verdict { Problem = DamagedElf + " (program header entries too small)" };
                ulong phend = phoff + (ulong)phentsize * phnum;
                if (phend > length)
                    return new Verdict { Problem = $"truncated: {length} bytes, but its program headers end at byte {phend}" };
                if (shnum > 0 && shoff + (ulong)shentsize * shnum > length)
                    return new Verdict { Problem = $"truncated: {length} bytes, but its section headers end at byte "
                        + $"{shoff + (ulong)shentsize * shnum}" };
                byte[] ph = file.At(phoff, (int)((ulong)phentsize * phnum));
                if (ph.Length != phentsize * phnum) return new Verdict { Problem = DamagedElf + " (program headers out of the file)" };
                ulong dynOffset = 0, dynSize = 0;
                for (int i = 0; i < phnum; i++)
                {
                    int h = i * phentsize;
                    uint type = U32(ph, h);
                    ulong offset = U64(ph, h + 8), filesz = U64(ph, h + 32);
                    if (type == 1 && offset + filesz > length)
                        return new Verdict { Problem = $"truncated: {length} bytes, but a loadable segment ends at "
                            + $"byte {offset + filesz}" };
                    if (type == 2) { dynOffset = offset; dynSize = filesz; }
                }

                return new Verdict { Soname = dynSize > 0 && dynSize < 1 << 20
                    ? Soname(file, ph, phentsize, phnum, file.At(dynOffset, (int)dynSize)) : null };
            }
        }

        /// <summary>
        /// DT_SONAME from the dynamic section: an offset into DT_STRTAB, whose address maps to a file offset through PT_LOAD.
        /// </summary>
        private static string? Soname(FileBytes file, byte[] ph, ushort phentsize, ushort phnum, byte[] dyn)
        {
            ulong strtab = 0, soname = ulong.MaxValue;
            for (int p = 0; p + 16 <= dyn.Length; p += 16)
            {
                long tag = (long)U64(dyn, p);
                if (tag == 0) break;
                if (tag == 5) strtab = U64(dyn, p + 8);
                if (tag == 14) soname = U64(dyn, p + 8);
            }

            if (soname == ulong.MaxValue || strtab == 0) return null;
            for (int i = 0; i < phnum; i++)
            {
                int h = i * phentsize;
                if (U32(ph, h) != 1) continue;
                ulong offset = U64(ph, h + 8), vaddr = U64(ph, h + 16), filesz = U64(ph, h + 32);
                if (strtab < vaddr || strtab - vaddr >= filesz) continue;
                byte[] text = file.At(checked(strtab - vaddr + offset + soname), 256);
                int end = Array.IndexOf(text, (byte)0);
                return end < 0 ? null : Encoding.ASCII.GetString(text, 0, end);
            }

            return null;
        }

        private static Verdict Pe(FileBytes file, byte[] b, bool arm64)
        {
            if (b.Length < 0x40) return new Verdict { Problem = $"truncated: {file.Length} bytes, shorter than a DOS header" };
            uint pe = U32(b, 0x3C);
            byte[] h = file.At(pe, 24 + 2);
            if (h.Length < 26) return new Verdict { Problem = $"truncated: {file.Length} bytes, the PE header would start at byte {pe}" };
            if (h[0] != (byte)'P' || h[1] != (byte)'E' || h[2] != 0 || h[3] != 0)
                return new Verdict { Problem = "an MZ file without a PE header (not a Windows DLL)" };
            ushort machine = U16(h, 4), sections = U16(h, 6), optionalSize = U16(h, 20);
            ushort expected = arm64 ? PeMachineArm64 : PeMachineAmd64;
            if (machine != expected)
                return new Verdict { Problem = $"built for PE machine 0x{machine:X4}; this process needs 0x{expected:X4} "
                    + $"({(arm64 ? "ARM64" : "x64")})" };
            if (U16(h, 24) != 0x20B) return new Verdict { Problem = "not a 64-bit (PE32+) DLL" };
            ulong table = pe + 24UL + optionalSize;
            byte[] t = file.At(table, sections * 40);
            if (t.Length < sections * 40)
                return new Verdict { Problem = $"truncated: {file.Length} bytes, but its section table ends at byte "
                    + $"{table + (ulong)sections * 40}" };
            for (int i = 0; i < sections; i++)
            {
                ulong end = (ulong)U32(t, i * 40 + 20) + U32(t, i * 40 + 16);
                if (end > (ulong)file.Length)
                    return new Verdict { Problem = $"truncated: {file.Length} bytes, but section {i + 1} ends at byte {end}" };
            }

            return new Verdict();
        }

        private static string ElfMachineName(ushort machine) =>
            machine == 62 ? "x86-64" : machine == 183 ? "AArch64" : machine == 3 ? "i386" : machine == 40 ? "ARM" : "other";

        private static ushort U16(byte[] b, int at) => (ushort)(b[at] | b[at + 1] << 8);

        private static uint U32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);

        private static ulong U64(byte[] b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }
}
