using System;
using DlGpuTools.Collectives;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands.Remoting
{
    /// <summary>
    /// The errors of running ranks on other hosts: a stable ErrorId each, the category, what was tried, how to fix it.
    /// They are worded here (PowerShell remoting is cmdlet-side plumbing) and written as every engine failure is, through
    /// the command's base class; errors a rank raises on its host come back as that rank wrote them, with its PSComputerName.
    /// </summary>
    internal static class RankErrors
    {
        public static CollectiveHostException NeedsPowerShell7() =>
            Record(ErrorCatalogue.HostNameNeedsPowerShell7, null,
            "-HostName opens sessions over SSH, which PowerShell has from version 6 on; this is Windows PowerShell (WinRM only).",
            "Run the command in PowerShell 7, or open the sessions yourself (New-PSSession, one per GPU) and pass them with -Session.");

        public static CollectiveHostException Unreachable(string host, string why) =>
            Record(ErrorCatalogue.CollectiveHostUnreachable, host,
            F("No PowerShell session to {0} over SSH: {1}.", host, why.TrimEnd('.')),
            F("Check that 'ssh {0}' logs in without a prompt (a key, known host key), that the host runs sshd with the " +
              "powershell subsystem (Subsystem powershell /usr/bin/pwsh -sshs -NoLogo), and that New-PSSession -HostName {0} " +
              "works; -UserName, -Port, -KeyFilePath and -SshOption are passed to New-PSSession, and -TimeoutSeconds bounds the wait.",
              host));

        public static CollectiveHostException SessionNotUsable(string host, string state) =>
            Record(ErrorCatalogue.CollectiveSessionNotUsable, host,
            F("The session to {0} cannot run a rank: it is {1}.", host, state),
            "Pass sessions that are Opened and Available (Get-PSSession shows both), one per GPU, none running another command.");

        public static CollectiveHostException ModuleMissing(string host, string? why, string? modulePath) =>
            Record(ErrorCatalogue.CollectiveModuleMissingOnHost, host,
            F("DlGpuTools with Measure-GpuCollective's rank mode is not available to PowerShell on {0}{1}. Searched PSModulePath: {2}.",
                host, why == null ? string.Empty : ": " + why, modulePath ?? "(unknown)"),
            F("Install the same DlGpuTools version on {0} where the login user's PowerShell finds it (a folder on its PSModulePath), or " +
              "open the sessions yourself, Import-Module the module there by path, and pass them with -Session.", host));

        public static CollectiveHostException NoGpu(string host, string? why) =>
            Record(ErrorCatalogue.CollectiveHostHasNoGpu, host,
            F("Get-CudaDevice on {0} lists no GPU{1}.", host, string.IsNullOrEmpty(why) ? string.Empty : ": " + why),
            F("Run Get-CudaDevice in a session to {0} to see why (driver, CUDA_VISIBLE_DEVICES of the login environment), " +
              "or leave the host out.", host));

        public static CollectiveHostException NeedsTwoRanks(int ranks) =>
            Record(ErrorCatalogue.CollectiveNeedsTwoRanks, null,
            F("A collective needs two ranks or more; these hosts and sessions give {0}.", ranks),
            "Name more hosts or GPUs (-HostName a,b; -GpusPerHost), pass more sessions, or measure one host's GPUs without -HostName.");

        public static CollectiveHostException RankFailed(string rank, string why) =>
            Record(ErrorCatalogue.CollectiveRankFailed, rank,
            F("{0} failed: {1} The other ranks were stopped.", rank, why),
            "Read the rank's own error above (it carries its PSComputerName); run Measure-GpuCollective on that host alone " +
            "to check its GPUs.");

        public static CollectiveHostException RankTimedOut(string rank, string what, TimeSpan limit) =>
            Record(ErrorCatalogue.CollectiveRankTimedOut, rank,
            F("{0} {1} within {2:0} s; all ranks were stopped and their sessions closed.", rank, what, limit.TotalSeconds),
            "Check the host's GPUs and NCCL's network between the hosts (NCCL_SOCKET_IFNAME in /etc/nccl.conf or the login environment), " +
            "or raise -TimeoutSeconds for very large messages on slow links.");

        public static CollectiveHostException ResultsDiffer(string detail) =>
            Record(ErrorCatalogue.CollectiveRankResultsDiffer, null,
            F("The ranks did not all return the same results ({0}), so there is nothing to merge.", detail),
            "Read the ranks' errors above; every rank must run the same DlGpuTools version and parameters.");

        private static CollectiveHostException Record(ErrorEntry entry, object? target, string message, string remedy) =>
            new CollectiveHostException(entry, message, remedy, target);

        private static string F(string format, params object?[] args) => Messages.Format(format, args);
    }
}
