using System;

namespace DlGpuTools.Scheduling
{
    /// <summary>A node's state and reason as <c>sinfo -N -o '%T|%E'</c> prints them (for example "drained|dlgpu: GPU 0 …").</summary>
    public sealed class SlurmNodeStatus
    {
        public SlurmNodeStatus(string state, string? reason)
        {
            State = state;
            Reason = string.IsNullOrEmpty(reason) || reason == "none" ? null : reason;
        }

        /// <summary>
        /// sinfo's long state name: idle, mixed, allocated, drained, draining, down, … (a trailing * means not responding).
        /// </summary>
        public string State { get; }

        /// <summary>Why the node is drained or down, as the admin or a health check set it; null when none.</summary>
        public string? Reason { get; }

        /// <summary>Drained, or draining (jobs still running): the node takes no new jobs.</summary>
        public bool IsDrained => State.IndexOf("drain", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>Parses the first line of <c>sinfo -h -N -n NODE -o '%T|%E'</c>; the reason may itself hold '|'.</summary>
        public static SlurmNodeStatus? Parse(string sinfoOutput)
        {
            foreach (string raw in sinfoOutput.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (line.Trim().Length == 0) continue;
                int bar = line.IndexOf('|');
                return bar < 0 ? new SlurmNodeStatus(line.Trim(), null)
                    : new SlurmNodeStatus(line.Substring(0, bar).Trim(), line.Substring(bar + 1).Trim());
            }

            return null;
        }
    }
}
