namespace DlGpuTools
{
    /// <summary>
    /// Sync-SlurmNodeHealth's answer: the node, the health verdict, and what was done to the node's drain state.
    /// Text properties (enum names), so the record reads the same in JSON, CSV and over remoting.
    /// </summary>
    public sealed class SlurmNodeSync
    {
        public string ComputerName { get; set; } = string.Empty;

        /// <summary>The node as slurm.conf names it.</summary>
        public string NodeName { get; set; } = string.Empty;

        /// <summary>Test-GpuHealth's verdict: Healthy, Degraded or Unhealthy.</summary>
        public string Verdict { get; set; } = string.Empty;

        /// <summary>True unless the verdict is Unhealthy: the node may take jobs (the script exits 0).</summary>
        public bool Passed { get; set; }

        /// <summary>A SlurmNodeChange name: None, Drained, ReasonUpdated, Resumed or LeftDrainedByOthers.</summary>
        public string Change { get; set; } = string.Empty;

        /// <summary>The drain reason on the node after the sync; empty when it is not drained.</summary>
        public string? Reason { get; set; }

        /// <summary>sinfo's state before the sync (idle, mixed, drained, …).</summary>
        public string PreviousState { get; set; } = string.Empty;

        public string? PreviousReason { get; set; }

        public override string ToString() => $"{NodeName}: {Change}";
    }
}
