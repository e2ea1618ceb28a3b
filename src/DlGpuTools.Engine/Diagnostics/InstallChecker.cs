using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics.InstallChecks;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// Runs the install checks behind Test-CuDnnInstall in the catalogue's order. Each check yields one
    /// <see cref="InstallCheck"/> as soon as it is done; a broken part is a Failed check with its remedy, and the
    /// checks that need it are Skipped with the reason. Nothing here throws for a broken install.
    /// </summary>
    public sealed class InstallChecker
    {
        /// <summary>The Id of the closing row, which is no check of its own; no check may take it.</summary>
        public const string VerdictId = "verdict";

        private readonly GpuRuntime _runtime;

        public InstallChecker(GpuRuntime runtime)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        }

        /// <summary>The checks a run makes, in order (progress counts against this).</summary>
        public static IReadOnlyList<IInstallCheck> Plan() => InstallCheckCatalogue.Registry.All;

        /// <summary>
        /// Runs the checks in order. Cancelling stops between checks and inside the long ones (the functional
        /// checks' sampling); the pending check then ends with <see cref="OperationCanceledException"/>.
        /// Nothing is loaded into this process to inspect cuDNN's sub-libraries (see <see cref="CuDnnSubLibrariesCheck"/>),
        /// so the convolution shows what cuDNN's own loader finds.
        /// </summary>
        public IEnumerable<InstallCheck> Run(InstallCheckOptions options, CancellationToken cancel = default)
        {
            // The context's lease on the first GPU goes back when the run ends or is abandoned.
            using (var context = new InstallCheckContext(_runtime, options ?? throw new ArgumentNullException(nameof(options)), cancel))
            {
                foreach (IInstallCheck check in Plan())
                {
                    InstallCheck result = Timed(check, context);
                    context.Record(check.Id, result);
                    yield return result;
                }
            }
        }

        /// <summary>Every failed check's remedy, for an error record's RecommendedAction.</summary>
        public static string CombinedRemedy(IEnumerable<InstallCheck> checks) =>
            string.Join(" | ", checks.Where(c => c.CheckStatus == CheckStatus.Failed && c.Id != VerdictId).Select(c => c.Name
                + ": " + c.Remedy));

        /// <summary>The one-line verdict over a set of checks: the worst status, and the counts.</summary>
        public static InstallCheck Verdict(IReadOnlyCollection<InstallCheck> checks)
        {
            int passed = checks.Count(c => c.CheckStatus == CheckStatus.Passed);
            int warnings = checks.Count(c => c.CheckStatus == CheckStatus.Warning);
            int failed = checks.Count(c => c.CheckStatus == CheckStatus.Failed);
            int skipped = checks.Count(c => c.CheckStatus == CheckStatus.Skipped);
            CheckStatus worst = failed > 0 ? CheckStatus.Failed : warnings > 0 ? CheckStatus.Warning : CheckStatus.Passed;
            string words = failed > 0 ? "CUDA/cuDNN are NOT ready: fix the failed checks" : warnings > 0
                ? "CUDA/cuDNN work, with warnings" : "CUDA/cuDNN are installed, compatible and working";
            return new InstallCheck
            {
                Id = VerdictId,
                Name = "Verdict",
                CheckStatus = worst,
                Detail = $"{words} ({passed} passed, {warnings} warning(s), {failed} failed, {skipped} skipped).",
                Remedy = failed > 0 ? "Fix the failed checks above, first to last: later checks often fail because of earlier ones." : null,
            };
        }

        private static InstallCheck Timed(IInstallCheck check, InstallCheckContext context)
        {
            context.Cancel.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            InstallCheck result;
            try
            {
                string? skip = check.SkipReason(context);
                result = skip != null ? new InstallCheck { CheckStatus = CheckStatus.Skipped, Detail = skip } : check.Run(context);
            }
            catch (Exception e) when (!(e is OutOfMemoryException) && !(e is StackOverflowException)
                && !(e is OperationCanceledException && context.Cancel.IsCancellationRequested))
            {
                // A check that breaks in an unforeseen way is a failed check, never a crashed command.
                result = new InstallCheck
                {
                    CheckStatus = CheckStatus.Failed,
                    Detail = e.Message,
                    Remedy = "Run Test-CuDnnInstall -Verbose and report this message; the checks after it may be skipped.",
                };
            }

            result.Id = check.Id;
            result.Name = check.Name;
            result.DurationMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
            return result;
        }
    }
}
