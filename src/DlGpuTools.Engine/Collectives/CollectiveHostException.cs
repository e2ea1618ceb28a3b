using DlGpuTools.Errors;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// A failure of running ranks on other hosts (a host not reached, a session not usable, a rank that failed or went
    /// silent), with the host or rank it concerns: the remoting side words them, this carries them to the user alike.
    /// </summary>
    public sealed class CollectiveHostException : DlGpuToolsException
    {
        public const string HostNameNeedsPowerShell7 = nameof(HostNameNeedsPowerShell7);
        public const string CollectiveHostUnreachable = nameof(CollectiveHostUnreachable);
        public const string CollectiveSessionNotUsable = nameof(CollectiveSessionNotUsable);
        public const string CollectiveModuleMissingOnHost = nameof(CollectiveModuleMissingOnHost);
        public const string CollectiveHostHasNoGpu = nameof(CollectiveHostHasNoGpu);
        public const string CollectiveNeedsTwoRanks = nameof(CollectiveNeedsTwoRanks);
        public const string CollectiveRankFailed = nameof(CollectiveRankFailed);
        public const string CollectiveRankTimedOut = nameof(CollectiveRankTimedOut);
        public const string CollectiveRankResultsDiffer = nameof(CollectiveRankResultsDiffer);

        public CollectiveHostException(string errorId, FailureCategory category, string message, string remedy, object? target)
            : base(ErrorCatalogue.Get(errorId), category, message, remedy, null)
        {
            Target = target;
        }

        /// <summary>The host or rank the failure concerns; null when it concerns the run as a whole.</summary>
        public object? Target { get; }
    }
}
