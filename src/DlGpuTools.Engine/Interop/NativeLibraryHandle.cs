using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>An OS library handle; closing it releases the loader's reference.</summary>
    internal class NativeLibraryHandle : SafeHandle
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
                    var buffer = new char[1024];
                    uint length = WindowsLoader.GetModuleFileNameW(handle, buffer, (uint)buffer.Length);
                    return length == 0 ? RequestedPath : new string(buffer, 0, (int)Math.Min(length, (uint)buffer.Length));
                }

                IntPtr symbol = GetExport(anyExport);
                if (symbol != IntPtr.Zero && LinuxModuleMap.TryFindFile(symbol, out string? file)) return file;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // The path is a diagnostic nicety; the requested name still says what was loaded.
            }

            return RequestedPath;
        }

        /// <summary>
        /// Keeps the library mapped for the life of the process: the handle stays usable for exports, and
        /// neither Dispose nor the finalizer will ever unload it. Every library the probe accepts is kept so
        /// (see <see cref="LibraryProbe"/>): another runspace may be inside one of its functions at any moment,
        /// libcuda and cuDNN run threads of their own, and a framework loaded beside the module may share the
        /// copy. Unloading any of them under a caller crashes the host; keeping them costs a mapping the OS
        /// frees at exit. Idempotent and thread-safe.
        /// </summary>
        public void KeepLoaded()
        {
            if (System.Threading.Interlocked.Exchange(ref _kept, 1) != 0) return;
            bool added = false;
            // A reference that is never given back: SafeHandle releases only when its count reaches zero.
            DangerousAddRef(ref added);
        }

        /// <summary>True once <see cref="KeepLoaded"/> has pinned the library.</summary>
        public bool IsKeptLoaded => System.Threading.Volatile.Read(ref _kept) != 0;

        private int _kept;

        protected override bool ReleaseHandle()
        {
            if (PlatformInfo.IsWindows) WindowsLoader.FreeLibrary(handle);
            else UnixLoader.Close(handle);
            return true;
        }
    }
}
