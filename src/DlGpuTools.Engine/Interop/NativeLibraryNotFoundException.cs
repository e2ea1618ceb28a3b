using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// No candidate for a native library could be loaded (or each loaded copy was rejected). When something was
    /// found but the loader refused it, <see cref="Unloadable"/> names it, and the message leads with the loader's reason.
    /// </summary>
    internal sealed class NativeLibraryNotFoundException : DlGpuToolsException
    {
        public NativeLibraryNotFoundException(NativeLibraryKind kind, IReadOnlyList<ProbeAttempt> attempts)
            : this(kind, attempts, LibraryFailureMeanings.Of(kind, FirstRefused(attempts), ErrorHost.Current))
        {
        }

        private NativeLibraryNotFoundException(NativeLibraryKind kind, IReadOnlyList<ProbeAttempt> attempts, ErrorMeaning meaning)
            : base(meaning.Entry, meaning.Category, BuildMessage(kind, attempts), meaning.Remedy, null)
        {
            Kind = kind;
            Attempts = attempts;
        }

        public NativeLibraryKind Kind { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        /// <summary>The first candidate that exists but that the loader refused; null when nothing was found at all.</summary>
        public ProbeAttempt Unloadable => FirstRefused(Attempts);

        /// <summary>The searched places, one per line, for messages and diagnostics.</summary>
        public string SearchedText => string.Join(Environment.NewLine, Attempts.Select(a => "  " + a));

        /// <summary>The install steps and variables differ between Windows and Linux.</summary>
        public override Failure Describe(ErrorHost host)
        {
            ErrorMeaning meaning = LibraryFailureMeanings.Of(Kind, Unloadable, host);
            return new Failure(meaning.Entry, meaning.Category, Message, meaning.Remedy);
        }

        private static ProbeAttempt FirstRefused(IReadOnlyList<ProbeAttempt> attempts) =>
            attempts.FirstOrDefault(a => a.Outcome == ProbeOutcome.LoadFailed);

        private static string BuildMessage(NativeLibraryKind kind, IReadOnlyList<ProbeAttempt> attempts)
        {
            ProbeAttempt refused = FirstRefused(attempts);
            string lead = refused == null
                ? LibraryCandidates.DisplayName(kind) + " could not be loaded."
                : $"{LibraryCandidates.DisplayName(kind)} was found but could not be loaded: {refused.RefusedFile} "
                    + $"({refused.Origin}): {refused.Error}.";
            return lead + " Searched:" + Environment.NewLine + string.Join(Environment.NewLine, attempts.Select(a => "  " + a));
        }
    }
}
