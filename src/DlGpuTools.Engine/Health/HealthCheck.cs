using System;
using System.Collections.Generic;
using DlGpuTools.Diagnostics;
using DlGpuTools.Registration;

namespace DlGpuTools.Health
{
    /// <summary>
    /// One registered item of Test-GpuHealth: a check that writes report rows, or a run (the GEMM stress, the
    /// memory test) whose readings later checks judge. Its id selects it (-Check, -Skip) and names its rows; its
    /// level is the lowest -Level that runs it. The kinds differ in what they run over: <see cref="HostCheck"/>
    /// once for the host, <see cref="GpuCheck"/> once per GPU, <see cref="FleetRun"/> once over all GPUs at once.
    /// </summary>
    internal abstract class HealthCheck : IRegistered
    {
        public abstract string Id { get; }

        public abstract string Description { get; }

        /// <summary>Items whose readings this one reads; it runs on a GPU only where each of them left a reading.</summary>
        public virtual IReadOnlyList<string> Needs => Array.Empty<string>();

        /// <summary>The Check column of its rows, and the phase progress shows while it runs.</summary>
        public abstract string Name { get; }

        public virtual HealthLevel Level => HealthLevel.Quick;

        /// <summary>False for items that still apply to a GPU that hung earlier in the run (the Xid events).</summary>
        public virtual bool NeedsAnsweringGpu => true;

        /// <summary>A row of this check, in the words of the report (its id is set by the runner).</summary>
        internal GpuHealthCheck Row(int? gpu, CheckStatus status, string detail, string? remedy = null,
            HealthAction action = HealthAction.None) =>
            HealthRow.Make(gpu, Name, status, detail, remedy, action);
    }
}
