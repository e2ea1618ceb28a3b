namespace DlGpuTools
{
    /// <summary>
    /// Sync-SlurmNodeHealth's answer: the node, the health verdict, and what was done to the node's drain state.
    /// The verdict and the change are enums shown by name (see <see cref="EnumText"/>), so the record reads the same
    /// in JSON, CSV and over remoting.
    /// </summary>
    public sealed class SlurmNodeSync
    {
        public string ComputerName { get; set; } = string.Empty;

        /// <summary>The node as slurm.conf names it.</summary>
        public string NodeName { get; set; } = string.Empty;

        /// <summary>Test-GpuHealth's verdict: Healthy, Degraded or Unhealthy.</summary>
        public string Verdict
        {
            get => HealthVerdict.ToString();
            set => HealthVerdict = EnumText.Parse<HealthVerdict>(value, nameof(Verdict));
        }

        internal HealthVerdict HealthVerdict { get; set; }

        /// <summary>True unless the verdict is Unhealthy: the node may take jobs (the script exits 0).</summary>
        public bool Passed { get; set; }

        /// <summary>None, Drained, ReasonUpdated, Resumed or LeftDrainedByOthers: the name of <see cref="NodeChange"/>.</summary>
        public string Change { get => NodeChange.ToString(); set => NodeChange = EnumText.Parse<SlurmNodeChange>(value, nameof(Change)); }

        internal SlurmNodeChange NodeChange { get; set; }

        /// <summary>Whether the plan changes the node's drain state (what -WhatIf and -Confirm ask about).</summary>
        public bool ChangesNode() => NodeChange != SlurmNodeChange.None && NodeChange != SlurmNodeChange.LeftDrainedByOthers;

        /// <summary>Whether the plan resumes the node rather than draining it.</summary>
        public bool ResumesNode() => NodeChange == SlurmNodeChange.Resumed;

        /// <summary>The drain reason on the node after the sync; empty when it is not drained.</summary>
        public string? Reason { get; set; }

        /// <summary>sinfo's state before the sync (idle, mixed, drained, …).</summary>
        public string PreviousState { get; set; } = string.Empty;

        public string? PreviousReason { get; set; }

        public override string ToString() => $"{NodeName}: {Change}";
    }
}
