using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// Some install checks failed: written as an error next to the checks, so $? is false and -ErrorAction Stop stops a
    /// provisioning script, with every failed check's remedy.
    /// </summary>
    public sealed class InstallChecksFailedException : DlGpuToolsException
    {
        public InstallChecksFailedException(IReadOnlyList<InstallCheck> checks)
            : base(ErrorCatalogue.CuDnnInstallCheckFailed, "CUDA/cuDNN install checks failed: " + FailedNames(checks) + ".",
                InstallChecker.CombinedRemedy(checks))
        {
            FailedChecks = FailedNames(checks);
        }

        /// <summary>The failed checks' names, comma-separated: the error's target.</summary>
        public string FailedChecks { get; }

        private static string FailedNames(IReadOnlyList<InstallCheck> checks) =>
            string.Join(", ", (checks ?? new List<InstallCheck>()).Where(c => c.IsFailed()).Select(c => c.Name));
    }
}
