using System;
using System.Runtime.InteropServices;
using System.Text;

namespace DlGpuTools.Interop
{
    /// <summary>An OS library handle; closing it releases the loader's reference.</summary>
    public class NativeLibraryHandle : SafeHandle
    {
        public NativeLibraryHandle(IntPtr handle, string requestedPath)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle(handle);
            RequestedPath = requestedPath;
        }

        /// <summary>What was handed to the loader (a bare name or a path).</summary>
        public string RequestedPath { get; }

        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>The address of an exported function, or zero when the library lacks it.</summary>
        public virtual IntPtr GetExport(string name)
        {
            if (IsInvalid || IsClosed) throw new ObjectDisposedException(nameof(NativeLibraryHandle));
            return PlatformInfo.IsWindows ? WindowsLoader.GetProcAddress(handle, name) : UnixLoader.Symbol(handle, name);
        }

        /// <summary>The file the loader actually mapped, found from any exported symbol's address.</summary>
        public virtual string ResolveLoadedPath(string anyExport)
        {
            try
            {
                if (PlatformInfo.IsWindows)
                {
                    var buffer = new StringBuilder(1024);
                    uint length = WindowsLoader.GetModuleFileNameW(handle, buffer, (uint)buffer.Capacity);
                    return length == 0 ? RequestedPath : buffer.ToString();
                }

                IntPtr symbol = GetExport(anyExport);
                if (symbol != IntPtr.Zero && LinuxModuleMap.TryFindFile(symbol, out string file)) return file;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // The path is a diagnostic nicety; the requested name still says what was loaded.
            }

            return RequestedPath;
        }

        /// <summary>
        /// Gives up the handle without unloading the library. Used for the CUDA driver: unloading libcuda
        /// while its worker threads run can crash the process, and the OS frees it at exit anyway.
        /// </summary>
        public void KeepLoaded() => SetHandleAsInvalid();

        protected override bool ReleaseHandle()
        {
            if (PlatformInfo.IsWindows) WindowsLoader.FreeLibrary(handle);
            else UnixLoader.Close(handle);
            return true;
        }
    }
}
