using System;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>What Start-GpuJob and Stop-GpuJob share: the state folder.</summary>
    internal static class JobNames
    {
        public static string Folder(PSCmdlet cmdlet, string? stateFolder) =>
            stateFolder == null ? JobStateStore.DefaultFolder(Environment.GetEnvironmentVariable)
                : cmdlet.GetUnresolvedProviderPathFromPSPath(stateFolder);
    }
}
