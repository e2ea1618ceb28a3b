using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit.Sdk;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Files someone else may have planted where a report reads (a FIFO, a link to /dev/zero, a socket, a file far
    /// too big), made in a private folder of their own (random name, mode 0700) that <see cref="Dispose"/> removes.
    /// Linux and macOS only: the tests that use it return early elsewhere.
    /// </summary>
    internal sealed class PlantedFiles : IDisposable
    {
        private const int OWronly = 1;
        private const int ONonblock = 0x800; // Linux; the FIFO tests run on Linux only.

        private readonly List<string> _fifos = new List<string>();
        private readonly List<Socket> _sockets = new List<Socket>();

        public PlantedFiles()
        {
            // 16 hex digits, not 32: a report hides a run of 32 as a possible key, and the tests look for these paths.
            Root = Path.Combine(Path.GetTempPath(), "dlgpu-planted-" + Guid.NewGuid().ToString("N")[..16]);
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Root);
            else Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public static bool Supported => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        public string Root { get; }

        /// <summary>How many hostile files this instance planted (the report counts them).</summary>
        public int Planted { get; private set; }

        public string PathOf(params string[] parts)
        {
            var all = new string[parts.Length + 1];
            all[0] = Root;
            parts.CopyTo(all, 1);
            string path = Path.Combine(all);
            Directory.CreateDirectory(Path.GetDirectoryName(path) ?? Root);
            return path;
        }

        /// <summary>A named pipe with no writer: opening it for reading blocks until one comes.</summary>
        public string Fifo(string path)
        {
            if (MkFifo(path, Convert.ToUInt32("600", 8)) != 0) throw new IOException($"mkfifo {path}: errno {Marshal.GetLastWin32Error()}");
            _fifos.Add(path);
            Planted++;
            return path;
        }

        /// <summary>A symbolic link to /dev/zero: it reports length 0 and never ends.</summary>
        public string LinkToDevZero(string path)
        {
            File.CreateSymbolicLink(path, "/dev/zero");
            Planted++;
            return path;
        }

        /// <summary>A Unix socket: open(2) on it fails with ENXIO, even for root (who ignores chmod 000).</summary>
        public string Socket(string path)
        {
            // A socket's address is at most 108 bytes: bound under a short name, then moved where it belongs.
            string shortName = Path.Combine(Root, "s" + _sockets.Count);
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(shortName));
            File.Move(shortName, path);
            _sockets.Add(socket);
            Planted++;
            return path;
        }

        /// <summary>A regular file of <paramref name="bytes"/> bytes of <paramref name="unit"/> repeated.</summary>
        public string Big(string path, string unit, int bytes)
        {
            using (var writer = new StreamWriter(path))
            {
                for (int written = 0; written < bytes; written += unit.Length) writer.Write(unit);
            }

            Planted++;
            return path;
        }

        public void Dispose()
        {
            // A reader left blocked in open() by a failed test is released by a writer that opens and closes at
            // once; O_NONBLOCK makes that open fail (ENXIO) instead of waiting when no reader is left.
            foreach (string fifo in _fifos)
            {
                int fd = Open(fifo, OWronly | ONonblock);
                if (fd >= 0) _ = Close(fd);
            }

            foreach (Socket socket in _sockets) socket.Dispose();
            if (Directory.Exists(Root)) Directory.Delete(Root, true);
        }

        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int MkFifo(string path, uint mode);

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false,
            ThrowOnUnmappableChar = true)]
        private static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "close")]
        private static extern int Close(int fd);
    }

    /// <summary>
    /// Runs code that might hang or run away on a thread of its own and fails the test when it has not finished in
    /// time, so a regression fails the test instead of stopping CI. A thread stuck in open() cannot be stopped: it is a
    /// background thread, left behind (and <see cref="PlantedFiles.Dispose"/> releases a FIFO reader).
    /// </summary>
    internal static class Deadline
    {
        public static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

        public static T Run<T>(string what, Func<T> work) => Run(what, Generous, work);

        public static T Run<T>(string what, TimeSpan limit, Func<T> work)
        {
            T result = default!; // set by the thread before Join returns true; read only then
            ExceptionDispatchInfo? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
            })
            { IsBackground = true, Name = "deadline: " + what };
            thread.Start();
            if (!thread.Join(limit))
                throw new XunitException($"{what} did not finish within {limit.TotalSeconds:0} s: it hangs or runs away.");
            error?.Throw();
            return result;
        }

        public static void Run(string what, Action work) => Run(what, () =>
        {
            work();
            return 0;
        });
    }
}
