namespace DlGpuTools.Monitoring
{
    /// <summary>How the OS facts of a GPU process were found (<see cref="GpuProcessUsage.Lookup"/>).</summary>
    internal enum ProcessLookup
    {
        /// <summary>Read from /proc/&lt;pid&gt;: user, command line, cgroup (container, pod, Slurm job).</summary>
        Read,

        /// <summary>No such process here: it ended between NVML's list and the lookup, or /proc hides it (hidepid).</summary>
        Gone,

        /// <summary>
        /// This command runs in another PID namespace than the host's, where NVML's host PIDs name other processes or none.
        /// </summary>
        OtherPidNamespace,

        /// <summary>Not Linux: the process name only.</summary>
        NameOnly,
    }
}
