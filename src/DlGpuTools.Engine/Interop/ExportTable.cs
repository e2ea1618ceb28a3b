using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Resolves a library's exports on first use and remembers them, so a binding pays for dlsym once per
    /// function. A missing export is either reported (<see cref="TryGet"/>) or thrown as "library too old".
    /// </summary>
    internal sealed class ExportTable
    {
        private readonly NativeLibraryHandle _library;
        private readonly NativeLibraryKind _kind;
        private readonly string _libraryPath;
        private readonly string? _introducedIn;
        private readonly Dictionary<string, IntPtr> _exports = new Dictionary<string, IntPtr>(StringComparer.Ordinal);

        public ExportTable(NativeLibraryHandle library, NativeLibraryKind kind, string libraryPath, string? introducedIn)
        {
            _library = library;
            _kind = kind;
            _libraryPath = libraryPath;
            _introducedIn = introducedIn;
        }

        /// <summary>The function's address, or zero when this copy of the library lacks it.</summary>
        public IntPtr TryGet(string name)
        {
            lock (_exports)
            {
                if (!_exports.TryGetValue(name, out IntPtr address))
                {
                    address = _library.GetExport(name);
                    _exports[name] = address;
                }

                return address;
            }
        }

        public IntPtr Get(string name)
        {
            IntPtr address = TryGet(name);
            if (address == IntPtr.Zero) throw new NativeEntryPointMissingException(_kind, _libraryPath, name, _introducedIn);
            return address;
        }
    }
}
