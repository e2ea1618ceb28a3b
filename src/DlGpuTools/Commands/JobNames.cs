using System;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>What Start-GpuJob and Stop-GpuJob share: the state folder and its remedy.</summary>
    internal static class JobNames
    {
        public const string FolderRemedy = "Give -StateFolder a folder of your own with mode 700, or run as the user who "
            + "owns the default folder.";

        public static string Folder(PSCmdlet cmdlet, string? stateFolder) =>
            stateFolder == null ? JobStateStore.DefaultFolder(Environment.GetEnvironmentVariable)
                : cmdlet.GetUnresolvedProviderPathFromPSPath(stateFolder);
    }
}
