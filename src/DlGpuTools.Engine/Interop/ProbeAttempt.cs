namespace DlGpuTools.Interop
{
    /// <summary>What happened at one candidate.</summary>
    internal enum ProbeOutcome
    {
        /// <summary>Loaded and proved itself: the search stopped here.</summary>
        Loaded,

        /// <summary>Nothing there (an absolute path that does not exist, or a name the loader's search did not find).</summary>
        NotFound,

        /// <summary>
        /// Something is there but the OS loader refused it (truncated, not a library, a folder, another architecture, a missing
        /// dependency).
        /// </summary>
        LoadFailed,

        /// <summary>The loader took it but it is not the library wanted (a stub, too old: a missing export).</summary>
        Rejected,
    }

    /// <summary>One place a native library was looked for, and what happened there.</summary>
    internal sealed class ProbeAttempt
    {
        public ProbeAttempt(string candidate, string origin, bool loaded, string? error)
            : this(candidate, origin, loaded ? ProbeOutcome.Loaded : ClassifyLoaderError(candidate, error), error)
        {
        }

        public ProbeAttempt(string candidate, string origin, ProbeOutcome outcome, string? error)
        {
            Candidate = candidate;
            Origin = origin;
            Outcome = outcome;
            Error = error;
        }

        /// <summary>
        /// Whether a loader error means "nothing there" or "something there that the loader refused". An absolute
        /// path is only handed to the loader when something exists there, so any error is a refusal. For a bare
        /// name, glibc says "No such file or directory" and Windows error 126 when its search found nothing;
        /// anything else ("file too short", "invalid ELF header", "wrong ELF class") names a file it did find.
        /// </summary>
        public static ProbeOutcome ClassifyLoaderError(string candidate, string? error)
        {
            if (error == null || error.StartsWith(NoSuchFile, System.StringComparison.Ordinal)) return ProbeOutcome.NotFound;
            if (System.IO.Path.IsPathRooted(candidate)) return ProbeOutcome.LoadFailed;
            bool nothingFound = error.IndexOf("No such file or directory", System.StringComparison.Ordinal) >= 0
                || error.IndexOf("Windows error 126:", System.StringComparison.Ordinal) >= 0
                || (error.IndexOf("cannot open shared object file", System.StringComparison.Ordinal) >= 0
                    && error.IndexOf("Permission denied", System.StringComparison.Ordinal) < 0);
            return nothingFound ? ProbeOutcome.NotFound : ProbeOutcome.LoadFailed;
        }

        /// <summary>The error text of a candidate path that does not exist.</summary>
        public const string NoSuchFile = "no such file";

        /// <summary>The file name or absolute path handed to the OS loader.</summary>
        public string Candidate { get; }

        /// <summary>Why this candidate was tried (an environment variable, the loader's search path, a known folder).</summary>
        public string Origin { get; }

        public ProbeOutcome Outcome { get; }

        public bool Loaded => Outcome == ProbeOutcome.Loaded;

        /// <summary>True when the candidate came from one of the module's DLGPUTOOLS_*_PATH override variables.</summary>
        public bool FromOverride => Origin != null && Origin.StartsWith("$env:DLGPUTOOLS_", System.StringComparison.Ordinal);

        /// <summary>
        /// True when a program loading the library by name would meet this candidate too: a bare name (the
        /// loader's own search), or on Windows a folder of the standard DLL search order (System32, the Windows
        /// folder, a PATH entry). Folders only this module visits ($env:CUDA_PATH, install folders) are not.
        /// </summary>
        public bool FoundByLoaderSearch =>
            !System.IO.Path.IsPathRooted(Candidate)
            || (Origin != null && (Origin.StartsWith("$env:PATH entry", System.StringComparison.Ordinal)
                || Origin.IndexOf(LibraryCandidates.WindowsSearchOrderTag, System.StringComparison.Ordinal) >= 0));

        /// <summary>The loader's own error text, or why a loaded copy was rejected.</summary>
        public string? Error { get; }

        /// <summary>
        /// The file the loader refused: the candidate when it is a path, else the path the loader names at the
        /// start of its message (glibc: "/dir/libcudnn.so.9: file too short"), else the bare name.
        /// </summary>
        public string RefusedFile
        {
            get
            {
                if (System.IO.Path.IsPathRooted(Candidate) || Error == null) return Candidate;
                int colon = Error.IndexOf(": ", System.StringComparison.Ordinal);
                string? named = colon > 0 ? Error.Substring(0, colon) : null;
                return named != null && System.IO.Path.IsPathRooted(named) ? named : Candidate;
            }
        }

        public override string ToString() =>
            Loaded ? $"{Candidate} ({Origin}): loaded" : Outcome == ProbeOutcome.LoadFailed
                ? $"{Candidate} ({Origin}): found but not loadable: {Error}" : $"{Candidate} ({Origin}): {Error}";
    }
}
