using DlGpuTools.Registration;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>
    /// One check of Test-CuDnnInstall. It reads what the checks it needs found from the context (typed facts they
    /// published), never from fields shared with them, so the catalogue can order checks by their declared needs.
    /// </summary>
    public interface IInstallCheck : IRegistered
    {
        /// <summary>The words users see in the check's row; scripts and tests match <see cref="IRegistered.Id"/>.</summary>
        string Name { get; }

        /// <summary>Why this check cannot run with what the earlier checks found (the Skipped row's detail); null when it can.</summary>
        string? SkipReason(InstallCheckContext context);

        /// <summary>Runs the check. A broken install is a Failed or Warning result, not an exception.</summary>
        InstallCheck Run(InstallCheckContext context);
    }
}
