using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The OS loader behind an interface, so probing order and error collection are testable
    /// without a GPU and without touching the real loader.
    /// </summary>
    internal interface INativeLoader
    {
        /// <summary>Loads a library; returns null and the loader's error text on failure.</summary>
        NativeLibraryHandle? TryLoad(string path, out string? error);

        /// <summary>
        /// True if the candidate is an absolute path that does not exist (saves a loader call and gives a clearer trace).
        /// </summary>
        bool IsMissingFile(string path);
    }
}
