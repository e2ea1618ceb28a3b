namespace DlGpuTools
{
    /// <summary>
    /// What to do about a GPU or host, mildest first. Watch and Configure belong to warnings (the node keeps taking
    /// jobs), Drain and the rest to failures (it takes none); see <see cref="HealthVerdict"/>. The steps follow
    /// NVIDIA's Xid catalogue and GPU memory error guide (docs.nvidia.com/deploy, read 2026-11): a pending row remap
    /// or retired page is applied by a GPU reset, a failed remap means the board is out of spare rows (replace it),
    /// a GPU that fell off the bus (Xid 79) needs a node reboot.
    /// </summary>
    public enum HealthAction
    {
        /// <summary>Nothing to do.</summary>
        None,

        /// <summary>Keep taking jobs and keep an eye on it: a counter that may grow (corrected errors, PCIe replays), a figure below its
        /// card or its peers, work already on the GPU.</summary>
        Watch,

        /// <summary>
        /// Keep taking jobs and change a setting when convenient (persistence mode, power limit, a MIG change waiting for a reset).
        /// </summary>
        Configure,

        /// <summary>
        /// Take no new jobs until someone looks (wrong results, a fault the check cannot place, cooling or a link to fix).
        /// </summary>
        Drain,

        /// <summary>Drain, then reset the GPU (nvidia-smi -r) to apply a pending repair or clear a fault.</summary>
        ResetGpu,

        /// <summary>Drain, then reboot the node (a GPU missing or off the bus).</summary>
        RebootNode,

        /// <summary>Drain and replace the board (no spare memory rows left, uncorrectable errors that recur).</summary>
        ReplaceGpu,
    }

    /// <summary>
    /// One word for a GPU or a host, and what follows from it: the action and Test-GpuHealth -Quiet. The action is
    /// the most severe of the checks that set the verdict, and the reason names the first check with that action.
    /// <code>
    /// Verdict     set by              action                               -Quiet   the node
    /// Healthy     every check passed  None                                 $true    takes jobs
    /// Degraded    a warning           Watch or Configure                   $true    takes jobs; act when convenient
    /// Unhealthy   a failed check      Drain, ResetGpu, RebootNode or       $false   takes none until the action is done
    ///                                 ReplaceGpu
    /// </code>
    /// </summary>
    public enum HealthVerdict
    {
        /// <summary>Every check passed (or could not run here and says why): action None.</summary>
        Healthy,

        /// <summary>Usable, with warnings to act on: action Watch or Configure.</summary>
        Degraded,

        /// <summary>At least one check failed: take the node out of service; action Drain or stronger.</summary>
        Unhealthy,
    }
}
