namespace DlGpuTools
{
    /// <summary>What a health sync did to the Slurm node.</summary>
    public enum SlurmNodeChange
    {
        /// <summary>Nothing to do: healthy and not drained by us, or already drained by us for the same reason.</summary>
        None,

        /// <summary>Unhealthy: drained with our prefixed reason.</summary>
        Drained,

        /// <summary>Still unhealthy, for another reason than the one we drained it for: the reason was updated.</summary>
        ReasonUpdated,

        /// <summary>Healthy again after we had drained it: resumed.</summary>
        Resumed,

        /// <summary>Drained by someone else (an admin, Slurm itself): left as it is, whatever our verdict.</summary>
        LeftDrainedByOthers,
    }
}
