using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A loaded library lacks a function the module needs: almost always a driver or library too old, which one is
    /// <see cref="LibraryFailureMeanings.MissingExport"/>'s to say.
    /// </summary>
    internal sealed class NativeEntryPointMissingException : DlGpuToolsException
    {
        public NativeEntryPointMissingException(NativeLibraryKind kind, string libraryPath, string function, string? introducedIn)
            : base(LibraryFailureMeanings.MissingExport(kind),
                $"{libraryPath} does not export {function}" + (introducedIn == null ? "." : $", which {introducedIn} introduced."))
        {
            Kind = kind;
            LibraryPath = libraryPath;
            Function = function;
            IntroducedIn = introducedIn;
        }

        public NativeLibraryKind Kind { get; }

        public string LibraryPath { get; }

        public string Function { get; }

        /// <summary>The release that added the function, when known (e.g. "CUDA 11.4").</summary>
        public string? IntroducedIn { get; }
    }
}
