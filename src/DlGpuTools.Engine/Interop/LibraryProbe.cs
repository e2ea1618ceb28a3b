using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Tries candidates in order, proves each loaded copy with a cheap real call, and records every
    /// attempt. The trace is kept whole (a failure never overwrites an earlier one) because it is
    /// what error messages and install diagnostics show the user.
    /// </summary>
    internal static class LibraryProbe
    {
        /// <summary>Checks a loaded copy; returns null to accept it or the reason to reject it.</summary>
        public delegate string? Validator(NativeLibraryHandle library);

        public static ProbeResult Load(NativeLibraryKind kind, IReadOnlyList<LibraryCandidate> candidates,
            INativeLoader loader, Validator validate)
        {
            var attempts = new List<ProbeAttempt>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (LibraryCandidate candidate in candidates)
            {
                if (!seen.Add(candidate.Path)) continue;
                if (loader.IsMissingFile(candidate.Path))
                {
                    attempts.Add(new ProbeAttempt(candidate.Path, candidate.Origin, ProbeOutcome.NotFound, ProbeAttempt.NoSuchFile));
                    continue;
                }

                NativeLibraryHandle? handle = loader.TryLoad(candidate.Path, out string? error);
                if (handle == null)
                {
                    // Kept apart from "not found": a truncated or foreign file where the library should be is a
                    // different fix (replace it, or correct the variable that points at it) from a missing one.
                    string text = error ?? "the loader refused it";
                    attempts.Add(
                        new ProbeAttempt(candidate.Path, candidate.Origin, ProbeAttempt.ClassifyLoaderError(candidate.Path, text), text));
                    continue;
                }

                string? rejection;
                try
                {
                    rejection = validate(handle);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    rejection = e.Message;
                }

                if (rejection != null)
                {
                    handle.Dispose();
                    attempts.Add(
                        new ProbeAttempt(candidate.Path, candidate.Origin, ProbeOutcome.Rejected, "loaded but rejected: " + rejection));
                    continue;
                }

                // An accepted library is never unloaded while the process lives (see NativeLibraryHandle.KeepLoaded);
                // pinning it here, in the one place every binding loads through, makes that hold for all of them.
                handle.KeepLoaded();
                attempts.Add(new ProbeAttempt(candidate.Path, candidate.Origin, ProbeOutcome.Loaded, null));
                return new ProbeResult(handle, candidate, attempts);
            }

            throw new NativeLibraryNotFoundException(kind, attempts);
        }
    }

    /// <summary>A loaded, validated library and the trace that led to it.</summary>
    internal sealed class ProbeResult
    {
        public ProbeResult(NativeLibraryHandle handle, LibraryCandidate candidate, IReadOnlyList<ProbeAttempt> attempts)
        {
            Handle = handle;
            Candidate = candidate;
            Attempts = attempts;
        }

        public NativeLibraryHandle Handle { get; }

        public LibraryCandidate Candidate { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }
    }
}
