using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Loads libraries through dlopen or LoadLibraryExW. netstandard2.0 has no NativeLibrary class,
    /// so the module calls the OS loader itself (TorchSharp's netstandard path does the same).
    /// It never changes process-wide search state: other modules share the process.
    /// </summary>
    internal sealed class PlatformNativeLoader : INativeLoader
    {
        public static readonly PlatformNativeLoader Instance = new PlatformNativeLoader();

        private PlatformNativeLoader() { }

        // A folder at the path is not "missing": handed to the loader it is refused with the loader's own
        // reason ("Is a directory"), which is what the user needs to see. A bare Linux soname is missing when the
        // search the loader would make (LinuxLibrarySearch) finds no file.
        public bool IsMissingFile(string path)
        {
            if (System.IO.Path.IsPathRooted(path)) return !File.Exists(path) && !Directory.Exists(path);
            return !PlatformInfo.IsWindows && Resolve(path) == null;
        }

        public NativeLibraryHandle? TryLoad(string path, [NotNullWhen(false)] out string? error)
        {
            error = null;
            IntPtr handle;
            if (PlatformInfo.IsWindows)
            {
                // An absolute path: search its own folder for dependencies (cuDNN's sub-libraries, cuBLASLt),
                // then the default safe directories. A bare name (nvcuda.dll, nvml.dll): System32 only,
                // never the current directory.
                uint flags = System.IO.Path.IsPathRooted(path)
                    ? WindowsLoader.LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | WindowsLoader.LOAD_LIBRARY_SEARCH_DEFAULT_DIRS
                    : WindowsLoader.LOAD_LIBRARY_SEARCH_SYSTEM32;
                handle = WindowsLoader.LoadLibraryExW(path, IntPtr.Zero, flags);
                if (handle == IntPtr.Zero)
                {
                    int code = Marshal.GetLastWin32Error();
                    error = $"Windows error {code}: {new System.ComponentModel.Win32Exception(code).Message}"
                        + (code == 126 && System.IO.Path.IsPathRooted(path) && File.Exists(path)
                            ? " (the file is there: a DLL it depends on is missing)" : string.Empty)
                        + (code == 193 ? " (not a 64-bit Windows DLL, or a damaged one)" : string.Empty);
                    return null;
                }

                return new NativeLibraryHandle(handle, path);
            }

            // dlopen gets an absolute path only: a bare name is resolved here, skipping the current directory,
            // and a relative path is never handed over (the loader would read it against the process's folder).
            string? file = System.IO.Path.IsPathRooted(path) ? path : path.IndexOf('/') >= 0 ? null : Resolve(path);
            if (file == null)
            {
                error = path.IndexOf('/') >= 0
                    ? $"{path} is a relative path; only absolute paths are loaded (a relative one would be read against the "
                        + "process's start folder)"
                    : $"{ProbeAttempt.NoSuchFile} named {path} in {LinuxLibrarySearch.SearchedText}";
                return null;
            }

            string? refusal = RefuseBeforeLoading(file);
            if (refusal != null)
            {
                error = refusal;
                return null;
            }

            handle = UnixLoader.Open(file, out string? dlError);
            if (handle == IntPtr.Zero)
            {
                error = dlError ?? "dlopen failed";
                return null;
            }

            return new NativeLibraryHandle(handle, file);
        }

        /// <summary>
        /// The absolute file a bare soname resolves to on this machine, as dlopen would search for it, less the current directory.
        /// </summary>
        public static string? Resolve(string name) =>
            LinuxLibrarySearch.Resolve(name, Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"),
                RuntimeInformation.ProcessArchitecture == Architecture.Arm64);

        /// <summary>
        /// Checks the exact file that dlopen will open, from its bytes and its type, and refuses what would hang or
        /// kill the process: anything but a regular file or folder (opening a FIFO blocks until a writer comes, and
        /// Ctrl+C cannot stop it), and a truncated library (glibc maps a library's segments before it checks them
        /// against the file's length, so a short copy dies of SIGBUS instead of failing). Other faults (a text file,
        /// another machine's or a 32-bit library) are left to dlopen, whose reason is the one the user should read.
        /// </summary>
        public static string? RefuseBeforeLoading(string file)
        {
            FileStatus status;
            try
            {
                status = FileStatus.Of(file);
            }
            catch (IOException e)
            {
                return e.Message;
            }

            if (!status.Exists || status.Kind == FileKind.Directory) return null;
            if (status.Kind != FileKind.Regular)
                return $"{file}: {status.Describe()}, not a library file (not opened: reading it could block or never end)";
            LibraryFileInspector.Verdict verdict = LibraryFileInspector.Inspect(file,
                RuntimeInformation.ProcessArchitecture == Architecture.Arm64);
            if (verdict.Usable || verdict.Problem == null
                || !(verdict.Problem.StartsWith("truncated", StringComparison.Ordinal)
                || verdict.Problem.StartsWith("a damaged", StringComparison.Ordinal))) return null;
            return $"{file}: {verdict.Problem} (checked before loading and not handed to the loader, which can crash on a damaged library)";
        }
    }

    internal static class PlatformInfo
    {
        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        public static bool Is64BitProcess => IntPtr.Size == 8;
    }

    internal static class WindowsLoader
    {
        public const uint LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR = 0x00000100;
        public const uint LOAD_LIBRARY_SEARCH_SYSTEM32 = 0x00000800;
        public const uint LOAD_LIBRARY_SEARCH_DEFAULT_DIRS = 0x00001000;

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
        public static extern IntPtr LoadLibraryExW(string lpLibFileName, IntPtr hFile, uint dwFlags);

        [DllImport("kernel32.dll", CharSet = CharSet.Ansi, SetLastError = true, ExactSpelling = true, BestFitMapping = false)]
        public static extern IntPtr GetProcAddress(IntPtr hModule, string lpProcName);

        [DllImport("kernel32.dll", SetLastError = true, ExactSpelling = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool FreeLibrary(IntPtr hModule);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
        public static extern uint GetModuleFileNameW(IntPtr hModule, [Out] char[] lpFilename, uint nSize);
    }

    /// <summary>
    /// dlopen and friends. glibc 2.34+ has them in libc.so.6 (libdl.so.2 is a compatibility stub);
    /// older glibc only in libdl.so.2; musl in its libc. Try libdl first, then libc.
    /// </summary>
    internal static class UnixLoader
    {
        private const int RTLD_NOW = 2;

        private static int _useLibc; // 0 unknown, 1 libdl.so.2 works, 2 use libc.so.6

        public static IntPtr Open(string path, out string? error)
        {
            error = null;
            // Bind dlerror before dlopen: the runtime's first call into a P/Invoke target may itself use
            // the dynamic loader and reset the error text we are about to read.
            Call(() => Libdl.dlerror(), () => Libc.dlerror());
            IntPtr handle = Call(() => Libdl.dlopen(path, RTLD_NOW), () => Libc.dlopen(path, RTLD_NOW));
            if (handle == IntPtr.Zero)
            {
                IntPtr text = Call(() => Libdl.dlerror(), () => Libc.dlerror());
                error = text == IntPtr.Zero ? "dlopen failed" : Marshal.PtrToStringAnsi(text);
            }

            return handle;
        }

        public static IntPtr Symbol(IntPtr handle, string name)
        {
            // Clear a stale error first, as dlsym's contract asks.
            Call(() => Libdl.dlerror(), () => Libc.dlerror());
            return Call(() => Libdl.dlsym(handle, name), () => Libc.dlsym(handle, name));
        }

        public static void Close(IntPtr handle)
        {
            Call(() => new IntPtr(Libdl.dlclose(handle)), () => new IntPtr(Libc.dlclose(handle)));
        }

        private static IntPtr Call(Func<IntPtr> viaLibdl, Func<IntPtr> viaLibc)
        {
            if (_useLibc != 2)
            {
                try
                {
                    IntPtr result = viaLibdl();
                    _useLibc = 1;
                    return result;
                }
                catch (DllNotFoundException)
                {
                    _useLibc = 2;
                }
                catch (EntryPointNotFoundException)
                {
                    _useLibc = 2;
                }
            }

            return viaLibc();
        }

        private static class Libdl
        {
            [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
            public static extern IntPtr dlopen(string fileName, int flags);

            [DllImport("libdl.so.2")]
            public static extern IntPtr dlerror();

            [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
            public static extern IntPtr dlsym(IntPtr handle, string symbol);

            [DllImport("libdl.so.2")]
            public static extern int dlclose(IntPtr handle);
        }

        private static class Libc
        {
            [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
            public static extern IntPtr dlopen(string fileName, int flags);

            [DllImport("libc")]
            public static extern IntPtr dlerror();

            [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
            public static extern IntPtr dlsym(IntPtr handle, string symbol);

            [DllImport("libc")]
            public static extern int dlclose(IntPtr handle);
        }
    }
}
