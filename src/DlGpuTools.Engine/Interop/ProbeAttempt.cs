namespace DlGpuTools.Interop
{
    /// <summary>One place a native library was looked for, and what happened there.</summary>
    public sealed class ProbeAttempt
    {
        public ProbeAttempt(string candidate, string origin, bool loaded, string error)
        {
            Candidate = candidate;
            Origin = origin;
            Loaded = loaded;
            Error = error;
        }

        /// <summary>The file name or absolute path handed to the OS loader.</summary>
        public string Candidate { get; }

        /// <summary>Why this candidate was tried (an environment variable, the loader's search path, a known folder).</summary>
        public string Origin { get; }

        public bool Loaded { get; }

        /// <summary>The loader's own error text, or why a loaded copy was rejected.</summary>
        public string Error { get; }

        public override string ToString() =>
            Loaded ? $"{Candidate} ({Origin}): loaded" : $"{Candidate} ({Origin}): {Error}";
    }
}
