using System;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// One process's lifetime figures from NVML accounting (nvmlAccountingStats_t), empty where NVML says "not available".
    /// </summary>
    internal sealed class AccountedProcess
    {
        public int ProcessId { get; set; }

        public int? UtilizationPercent { get; set; }

        public ulong? MaxMemoryUsed { get; set; }

        /// <summary>When the process started (NVML's CPU timestamp).</summary>
        public DateTimeOffset StartTime { get; set; }

        /// <summary>How long its context was active; empty while it runs (NVML reports 0 until the process ends).</summary>
        public TimeSpan? ActiveTime { get; set; }

        public bool Running { get; set; }
    }
}
