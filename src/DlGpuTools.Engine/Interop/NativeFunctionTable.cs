using System;
using System.Collections.Generic;
using System.Threading;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The addresses of one loaded library's declared functions, the one place a binding turns a declaration
    /// into a callable address. Eager functions are resolved when the table is made, so a library that lacks one
    /// fails its load with the function and the release that introduced it; lazy ones on their first call, so an
    /// old library fails only the command that needs the newer function. Lookups are cached: dlsym runs once per
    /// function, and a race between two first calls only looks the same export up twice. A library whose exports
    /// are spelled per vendor passes its spelling (a name → export name function), which the declarations marked
    /// spelled go through.
    /// </summary>
    internal sealed class NativeFunctionTable
    {
        // dlsym and GetProcAddress never return this, so it can mark "not looked up yet".
        private static readonly IntPtr Unresolved = new IntPtr(-1);

        private readonly NativeLibraryHandle _library;
        private readonly IntPtr[] _addresses;
        private readonly string?[] _exportNames;
        private readonly Func<string, string>? _spelling;

        public NativeFunctionTable(
            NativeLibraryHandle library, NativeLibraryKind kind, string libraryPath, IReadOnlyList<NativeFunction> declarations,
            Func<string, string>? spelling = null)
        {
            _library = library;
            _spelling = spelling;
            Kind = kind;
            LibraryPath = libraryPath;
            Declarations = declarations;
            _addresses = new IntPtr[declarations.Count];
            _exportNames = new string?[declarations.Count];
            for (int i = 0; i < _addresses.Length; i++) _addresses[i] = Unresolved;
            for (int i = 0; i < _addresses.Length; i++)
            {
                if (declarations[i].Binding == NativeBinding.Eager) Address(i);
            }
        }

        public NativeLibraryKind Kind { get; }

        public string LibraryPath { get; }

        public IReadOnlyList<NativeFunction> Declarations { get; }

        /// <summary>The address of declaration <paramref name="index"/>; a missing export throws "library too old".</summary>
        public IntPtr Address(int index)
        {
            IntPtr address = TryAddress(index);
            if (address != IntPtr.Zero) return address;
            NativeFunction function = Declarations[index];
            throw new NativeEntryPointMissingException(Kind, LibraryPath, function.Name, function.IntroducedIn);
        }

        /// <summary>The address of declaration <paramref name="index"/>, or zero when this copy of the library lacks it.</summary>
        public IntPtr TryAddress(int index)
        {
            IntPtr address = Volatile.Read(ref _addresses[index]);
            if (address != Unresolved) return address;
            NativeFunction function = Declarations[index];
            foreach (string export in function.Exports)
            {
                string name = function.Spelled && _spelling != null ? _spelling(export) : export;
                address = _library.GetExport(name);
                if (address == IntPtr.Zero) continue;
                Volatile.Write(ref _exportNames[index], name);
                break;
            }

            Volatile.Write(ref _addresses[index], address);
            return address;
        }

        /// <summary>The export that declaration <paramref name="index"/> resolved to, or null when this library lacks it.</summary>
        public string? ExportName(int index) => TryAddress(index) == IntPtr.Zero ? null : Volatile.Read(ref _exportNames[index]);

        public bool IsAvailable(int index) => TryAddress(index) != IntPtr.Zero;
    }
}
