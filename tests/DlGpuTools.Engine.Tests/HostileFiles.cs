using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// A private folder of hostile files for one test: FIFOs, links, device nodes, crafted bytes. The folder has a
    /// random name and mode 700, and goes away with everything in it; a FIFO a broken reader still waits on is
    /// opened for writing on the way out, so no thread stays blocked.
    /// </summary>
    internal sealed class HostileFiles : IDisposable
    {
        private readonly List<string> _fifos = new List<string>();

        public HostileFiles()
        {
            Folder = Path.Combine(Path.GetTempPath(), "dlgpu-hostile-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Folder);
            Run("chmod", "700", Folder);
        }

        public string Folder { get; }

        public string PathOf(string name) => Path.Combine(Folder, name);

        public string Fifo(string name)
        {
            string path = PathOf(name);
            Run("mkfifo", path);
            _fifos.Add(path);
            return path;
        }

        public string Link(string name, string target)
        {
            string path = PathOf(name);
            Run("ln", "-s", target, path);
            return path;
        }

        /// <summary>
        /// A character device node like /dev/null (major 1, minor 3) inside the folder; null where this user may not make one.
        /// </summary>
        public string? NullDevice(string name)
        {
            string path = PathOf(name);
            return Run("mknod", path, "c", "1", "3") == 0 ? path : null;
        }

        public string File(string name, byte[] bytes)
        {
            string path = PathOf(name);
            System.IO.File.WriteAllBytes(path, bytes);
            return path;
        }

        public static int Run(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true,
                RedirectStandardOutput = true };
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            using Process process = Process.Start(start) ?? throw new XunitException($"{program} did not start.");
            process.WaitForExit(10000);
            return process.HasExited ? process.ExitCode : -1;
        }

        public void Dispose()
        {
            foreach (string fifo in _fifos)
            {
                // Opening the write end completes a reader blocked on open; with none, the open itself would block.
                Task.Run(() =>
                {
                    try
                    {
                        using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                    }
                    catch (IOException)
                    {
                    }
                }).Wait(TimeSpan.FromMilliseconds(200));
            }

            try
            {
                Directory.Delete(Folder, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
