using DlGpuTools.Errors;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// A failure of running ranks on other hosts (a host not reached, a session not usable, a rank that failed or went
    /// silent), with the host or rank it concerns: the remoting side words them, this carries them to the user alike.
    /// </summary>
    public sealed class CollectiveHostException : DlGpuToolsException
    {
        public CollectiveHostException(ErrorEntry entry, FailureCategory category, string message, string remedy, object? target)
            : base(entry, category, message, remedy, null)
        {
            Target = target;
        }

        /// <summary>The host or rank the failure concerns; null when it concerns the run as a whole.</summary>
        public object? Target { get; }
    }
}
