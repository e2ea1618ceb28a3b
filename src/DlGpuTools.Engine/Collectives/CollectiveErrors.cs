using DlGpuTools.Errors;

namespace DlGpuTools.Collectives
{
    /// <summary>A collective needs at least two ranks; one GPU was selected or visible.</summary>
    public sealed class CollectiveNeedsTwoGpusException : DlGpuToolsException
    {
        public CollectiveNeedsTwoGpusException(string found)
            : base(ErrorCatalogue.CollectiveNeedsTwoGpus,
                "A collective needs at least two GPUs, and " + found + ".",
                "Select two or more GPUs (-Index 0,1, or no selection to use every visible GPU; check CUDA_VISIBLE_DEVICES), "
                + "or run one rank per GPU on several hosts with -Rank/-RankCount/-UniqueId.")
        {
        }
    }

    /// <summary>A step of the collective did not finish within the timeout; the communicators were aborted.</summary>
    public sealed class CollectiveTimeoutException : DlGpuToolsException
    {
        public CollectiveTimeoutException(string step, int seconds)
            : base(ErrorCatalogue.CollectiveTimedOut,
                $"{step} did not finish within {seconds} s; the NCCL communicators were aborted.",
                "A rank that never joined, a peer that cannot be reached, or a hung GPU stops a collective. Check that every rank started "
                + "(same -RankCount and -UniqueId), that the hosts reach each other (NCCL_SOCKET_IFNAME), and run "
                + "again with NCCL_DEBUG=INFO; "
                + "raise -TimeoutSeconds for very large messages on slow links.")
        {
        }
    }

    /// <summary>The unique id given to a rank is not one NCCL made (wrong length or not base64).</summary>
    public sealed class CollectiveRendezvousException : DlGpuToolsException
    {
        public CollectiveRendezvousException(string message)
            : base(ErrorCatalogue.CollectiveUniqueIdInvalid, message,
                "Pass the UniqueId of the rendezvous object rank 0 wrote (Measure-GpuCollective -Rank 0 -RankCount N without -UniqueId), "
                    + "unchanged, to every other rank.")
        {
        }
    }
}

namespace DlGpuTools.Collectives
{
    /// <summary>The loaded NCCL lacks a function an operation needs; the release that added it comes from its declaration.</summary>
    public sealed class NcclTooOldException : DlGpuToolsException
    {
        public NcclTooOldException(string operation, string function, string? version, string path)
            : base(ErrorCatalogue.NcclTooOld,
                $"{operation} needs {function}, which the NCCL at {path} (version {version ?? "unknown"}) does not export; "
                    + $"it arrived in {Interop.NcclLibrary.IntroducedIn(function)}.",
                "Install a current NCCL 2 (NVIDIA's libnccl2 package or pip's nvidia-nccl wheel), or point $env:"
                    + Interop.NcclCandidates.OverrideVariable + " at one.")
        {
        }
    }
}
