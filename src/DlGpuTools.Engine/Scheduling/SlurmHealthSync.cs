using System;
using System.Text;

namespace DlGpuTools.Scheduling
{
    /// <summary>
    /// Keeps a Slurm node's drain state in step with Test-GpuHealth, the way LBNL NHC does for its own checks: an
    /// unhealthy node is drained with a reason that starts with our prefix and names the GPU and the check, and a
    /// node we drained is resumed once it passes again. A drain whose reason lacks the prefix is someone else's
    /// (an admin's maintenance, Slurm's own "Prolog error"): it is never resumed or overwritten.
    /// </summary>
    public static class SlurmHealthSync
    {
        public const string DefaultReasonPrefix = "dlgpu:";

        // Slurm keeps any length, but sinfo -R and scontrol show it on one line: a reason stays readable there.
        private const int MaxReasonLength = 200;

        /// <summary>What to do for this report and node state, without doing it (for -WhatIf and the tests).</summary>
        public static SlurmNodeSync Plan(GpuHealthReport report, string nodeName, SlurmNodeStatus status, string prefix)
        {
            if (report == null) throw new ArgumentNullException(nameof(report));
            if (status == null) throw new ArgumentNullException(nameof(status));
            bool unhealthy = !report.IsUsable();
            bool ours = status.IsDrained && status.Reason != null && status.Reason.StartsWith(prefix, StringComparison.Ordinal);
            string wanted = ReasonFor(report, prefix);

            SlurmNodeChange change;
            if (status.IsDrained && !ours) change = SlurmNodeChange.LeftDrainedByOthers;
            else if (unhealthy) change = !status.IsDrained ? SlurmNodeChange.Drained : status.Reason == wanted ? SlurmNodeChange.None
                : SlurmNodeChange.ReasonUpdated;
            else change = ours ? SlurmNodeChange.Resumed : SlurmNodeChange.None;

            return new SlurmNodeSync
            {
                ComputerName = report.ComputerName,
                NodeName = nodeName,
                HealthVerdict = report.HealthVerdict,
                Passed = !unhealthy,
                NodeChange = change,
                PreviousState = status.State,
                PreviousReason = status.Reason,
                Reason = change == SlurmNodeChange.Drained || change == SlurmNodeChange.ReasonUpdated ? wanted
                    : change == SlurmNodeChange.Resumed ? null : status.Reason,
            };
        }

        /// <summary>Carries out a plan from <see cref="Plan"/>.</summary>
        public static void Apply(SlurmNodeSync plan, ISlurmControl slurm)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            if (slurm == null) throw new ArgumentNullException(nameof(slurm));
            switch (plan.NodeChange)
            {
                case SlurmNodeChange.Drained:
                case SlurmNodeChange.ReasonUpdated:
                    slurm.Drain(plan.NodeName, plan.Reason ?? string.Empty);
                    break;
                case SlurmNodeChange.Resumed:
                    slurm.Resume(plan.NodeName);
                    break;
            }
        }

        /// <summary>The prefix, then the report's one-line reason (the failed check and its GPU), made one printable line.</summary>
        public static string ReasonFor(GpuHealthReport report, string prefix)
        {
            string text = string.IsNullOrEmpty(report.Reason) ? "the GPU health check failed" : report.Reason!;
            var line = new StringBuilder(prefix.Length + 1 + text.Length).Append(prefix).Append(' ');
            bool space = true;
            foreach (char c in text)
            {
                bool blank = char.IsWhiteSpace(c) || char.IsControl(c);
                if (blank && space) continue;
                line.Append(blank ? ' ' : c);
                space = blank;
            }

            string reason = line.ToString().TrimEnd();
            return reason.Length <= MaxReasonLength ? reason : reason.Substring(0, MaxReasonLength - 1) + "…";
        }
    }
}
