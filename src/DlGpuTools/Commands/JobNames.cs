using System;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>What Start-GpuJob and Stop-GpuJob share: the job-name rule and the state folder.</summary>
    internal static class JobNames
    {
        /// <summary>The rule of <see cref="JobStateStore.IsValidName"/>: a file name, never a path.</summary>
        public const string Pattern = @"^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}\z"; // \z: $ would let a final newline through

        public const string FolderRemedy = "Give -StateFolder a folder of your own with mode 700, or run as the user who "
            + "owns the default folder.";

        public static string Folder(PSCmdlet cmdlet, string? stateFolder) =>
            stateFolder == null ? JobStateStore.DefaultFolder(Environment.GetEnvironmentVariable)
                : cmdlet.GetUnresolvedProviderPathFromPSPath(stateFolder);
    }
}
