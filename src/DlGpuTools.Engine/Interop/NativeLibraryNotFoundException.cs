using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Interop
{
    /// <summary>No candidate for a native library could be loaded (or each loaded copy was rejected).</summary>
    public sealed class NativeLibraryNotFoundException : Exception
    {
        public NativeLibraryNotFoundException(NativeLibraryKind kind, IReadOnlyList<ProbeAttempt> attempts)
            : base(BuildMessage(kind, attempts))
        {
            Kind = kind;
            Attempts = attempts;
        }

        public NativeLibraryKind Kind { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        /// <summary>The searched places, one per line, for messages and diagnostics.</summary>
        public string SearchedText => string.Join(Environment.NewLine, Attempts.Select(a => "  " + a));

        private static string BuildMessage(NativeLibraryKind kind, IReadOnlyList<ProbeAttempt> attempts)
        {
            return LibraryCandidates.DisplayName(kind) + " could not be loaded. Searched:" + Environment.NewLine
                + string.Join(Environment.NewLine, attempts.Select(a => "  " + a));
        }
    }
}
