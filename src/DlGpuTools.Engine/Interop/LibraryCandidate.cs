namespace DlGpuTools.Interop
{
    /// <summary>A name or path to try, with the reason it is on the list.</summary>
    internal sealed class LibraryCandidate
    {
        public LibraryCandidate(string path, string origin)
        {
            Path = path;
            Origin = origin;
        }

        /// <summary>A bare versioned file name (searched by the OS loader) or an absolute path.</summary>
        public string Path { get; }

        public string Origin { get; }

        public override string ToString() => Path;
    }
}
