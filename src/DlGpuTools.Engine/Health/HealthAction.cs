namespace DlGpuTools.Health
{
    /// <summary>
    /// What to do about a GPU or host, mildest first; a verdict takes the most severe of its checks. The steps follow
    /// NVIDIA's Xid catalogue and GPU memory error guide (docs.nvidia.com/deploy, read 2026-11): a pending row remap
    /// or retired page is applied by a GPU reset, a failed remap means the board is out of spare rows (replace it),
    /// a GPU that fell off the bus (Xid 79) needs a node reboot.
    /// </summary>
    public enum HealthAction
    {
        /// <summary>Nothing to do.</summary>
        None,

        /// <summary>Keep an eye on a counter that may grow (corrected errors, PCIe replays).</summary>
        Watch,

        /// <summary>Change a setting (persistence mode, power limit, driver version).</summary>
        Configure,

        /// <summary>Take no new jobs until someone looks (work already on the GPU, a fault the check cannot place).</summary>
        Drain,

        /// <summary>Drain, then reset the GPU (nvidia-smi -r) to apply a pending repair or clear a fault.</summary>
        ResetGpu,

        /// <summary>Drain, then reboot the node (a GPU missing or off the bus).</summary>
        RebootNode,

        /// <summary>Drain and replace the board (no spare memory rows left, uncorrectable errors that recur).</summary>
        ReplaceGpu,
    }

    /// <summary>One word for a GPU or a host.</summary>
    public enum HealthVerdict
    {
        /// <summary>Every check passed (or could not run here and says why).</summary>
        Healthy,

        /// <summary>Usable, with warnings to act on.</summary>
        Degraded,

        /// <summary>At least one check failed: take the node out of service.</summary>
        Unhealthy,
    }
}
