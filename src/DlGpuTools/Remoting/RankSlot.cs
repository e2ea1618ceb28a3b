using System.Management.Automation.Runspaces;

namespace DlGpuTools.Commands.Remoting
{
    /// <summary>Where one rank runs: a session (one process) on a host, and the GPU index it drives there.</summary>
    internal sealed class RankSlot
    {
        public RankSlot(string hostName, int localIndex, PSSession session, bool owned)
        {
            HostName = hostName;
            LocalIndex = localIndex;
            Session = session;
            Owned = owned;
        }

        /// <summary>The host as the user named it (-HostName), or the session's ComputerName.</summary>
        public string HostName { get; }

        /// <summary>The CUDA device index on that host (as that process sees them, after its CUDA_VISIBLE_DEVICES).</summary>
        public int LocalIndex { get; }

        public PSSession Session { get; }

        /// <summary>True for a session this command opened and so closes; a session the user passed stays open.</summary>
        public bool Owned { get; }
    }
}
