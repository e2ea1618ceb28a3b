using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>How install checks word their rows, so the same failure reads the same in every check.</summary>
    internal static class InstallResults
    {
        public static InstallCheck Result(CheckStatus status, string? detail, string? remedy = null, string? path = null,
            string? version = null) =>
            new InstallCheck { CheckStatus = status, Detail = detail, Remedy = remedy, Path = path, Version = version };

        public static InstallCheck Skipped(string reason) => Result(CheckStatus.Skipped, reason);

        public static string[] Searched(IReadOnlyList<ProbeAttempt> attempts) => attempts.Select(a => a.ToString()).ToArray();

        /// <summary>
        /// A library that could not be loaded: "not found" with the install remedy when nothing was there, or "found
        /// but could not be loaded" with the loader's own reason and a remedy for that file (replace it, or correct
        /// the override variable that points at it) when something was.
        /// </summary>
        public static InstallCheck NotFound(NativeLibraryNotFoundException e, string installRemedy, bool windows)
        {
            var check = new InstallCheck { CheckStatus = CheckStatus.Failed, Searched = Searched(e.Attempts) };
            ProbeAttempt refused = e.Unloadable;
            if (refused == null)
            {
                check.Detail = LibraryCandidates.DisplayName(e.Kind) + " was not found.";
                check.Remedy = installRemedy;
                return check;
            }

            check.Detail = $"{LibraryCandidates.DisplayName(e.Kind)} was found but could not be loaded: {refused.RefusedFile} "
                + $"({refused.Origin}): {refused.Error}.";
            check.Path = refused.RefusedFile;
            check.Data["ErrorId"] = ErrorCatalogue.NativeLibraryLoadFailed.Id;
            check.Remedy = LibraryFailureMeanings.RefusedFileRemedy(refused, e.Kind, windows);
            return check;
        }

        /// <summary>
        /// A copy the loader refused before the one that loaded. Found by the loader's own search (a name, a PATH
        /// entry, System32), it is what a program that loads the library by name gets: the check fails although
        /// this module, trying full paths further down the list, found a good copy. In a folder only this module
        /// looks in, it is a warning.
        /// </summary>
        public static void ShadowedByBrokenCopy(InstallCheck check, ToolkitLibrary library, bool windows)
        {
            ProbeAttempt refused = library.Attempts.FirstOrDefault(a => a.Outcome == ProbeOutcome.LoadFailed);
            if (refused == null) return;
            bool programsGetIt = refused.FoundByLoaderSearch;
            check.Detail += $" But a copy was found that could not be loaded: {refused.RefusedFile} ({refused.Origin}): {refused.Error}.";
            check.Data["ErrorId"] = ErrorCatalogue.NativeLibraryLoadFailed.Id;
            if (programsGetIt)
            {
                check.CheckStatus = CheckStatus.Failed;
                check.Detail += $" Programs that load {LibraryCandidates.DisplayName(library.Kind)} by name get that copy; "
                    + $"this check went on with {library.LibraryPath}, loaded by full path.";
            }
            else if (check.CheckStatus == CheckStatus.Passed)
            {
                check.CheckStatus = CheckStatus.Warning;
            }

            check.Remedy = LibraryFailureMeanings.RefusedFileRemedy(refused, library.Kind, windows);
        }

        /// <summary>A computation on the GPU, checked against the CPU: passed within the tolerance, failed (a wrong result) beyond
        /// it.</summary>
        public static InstallCheck Functional(FunctionalChecks.Outcome o, string library, double tolerance)
        {
            var check = Result(CheckStatus.Passed, $"{o.Detail} on GPU 0: relative error {o.RelativeError:0.0E+0} (limit "
                + $"{tolerance:0E+0}), {o.Milliseconds:0} ms including setup.");
            check.Data["RelativeError"] = o.RelativeError.ToString("R", CultureInfo.InvariantCulture);
            if (double.IsNaN(o.RelativeError) || o.RelativeError > tolerance)
            {
                check.CheckStatus = CheckStatus.Failed;
                check.Remedy = $"The GPU computed a wrong result through {library}: reinstall the driver and {library}, and check "
                    + $"nvidia-smi -q for ECC errors.";
            }

            return check;
        }
    }
}
