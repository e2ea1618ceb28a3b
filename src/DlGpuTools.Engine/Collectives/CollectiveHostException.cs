using DlGpuTools.Errors;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// A failure of running ranks on other hosts (a host not reached, a session not usable, a rank that failed or went
    /// silent), with the host or rank it concerns: the remoting side words them, this carries them to the user alike.
    /// </summary>
    public sealed class CollectiveHostException : DlGpuToolsException
    {
        /// <summary>Its category is <paramref name="entry"/>'s: the catalogue says what kind of failure each id is.</summary>
        public CollectiveHostException(ErrorEntry entry, string message, string remedy, object? target)
            : base(entry, message, remedy)
        {
            Target = target;
        }

        /// <summary>The host or rank the failure concerns; null when it concerns the run as a whole.</summary>
        public object? Target { get; }
    }
}
