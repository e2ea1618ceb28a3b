using System;
using System.Management.Automation;
using DlGpuTools.Scheduling;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Puts a Test-GpuHealth report into Slurm: an unhealthy node is drained with a reason that starts with
    /// -ReasonPrefix and names the GPU and the check; a node this command drained is resumed once it passes again; a
    /// node drained for any other reason (an admin's, Slurm's own) is left alone. Built for a HealthCheckProgram or
    /// Prolog (the module's bin/dlgpu-healthcheck runs it), where slurmd sets SLURMD_NODENAME.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "SlurmNodeHealth", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SlurmNodeSync))]
    public sealed class SyncSlurmNodeHealthCommand : DlGpuCmdlet
    {
        /// <summary>Test-GpuHealth's report for this node.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public GpuHealthReport? InputObject { get; set; }

        /// <summary>The node as slurm.conf names it; default SLURMD_NODENAME (set by slurmd), else this host's short name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z")] // \z: $ would let a final newline through
        public string? NodeName { get; set; }

        /// <summary>The text our drain reasons start with; only drains with it are ever resumed.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidatePattern(@"^\S+\z")]
        public string ReasonPrefix { get; set; } = SlurmHealthSync.DefaultReasonPrefix;

        protected override void ProcessRecord()
        {
            GpuHealthReport report = InputObject!;
            string node = NodeName ?? DefaultNodeName();
            var slurm = new SlurmCommands(Environment.GetEnvironmentVariable);
            try
            {
                SlurmNodeSync plan = SlurmHealthSync.Plan(report, node, slurm.Query(node), ReasonPrefix);
                if (plan.ChangesNode() && !ShouldProcess($"Slurm node {node}", ActionText(plan)))
                {
                    return;
                }

                SlurmHealthSync.Apply(plan, slurm);
                WriteObject(plan);
            }
            catch (SlurmException e)
            {
                WriteFailure(e, node);
            }
        }

        private static string ActionText(SlurmNodeSync plan) =>
            plan.ResumesNode() ? "Resume (it passed the GPU health check)" : $"Drain with reason '{plan.Reason}'";

        private static string DefaultNodeName()
        {
            string? fromSlurm = Environment.GetEnvironmentVariable("SLURMD_NODENAME");
            if (!string.IsNullOrEmpty(fromSlurm)) return fromSlurm!;
            string host = Environment.MachineName;
            int dot = host.IndexOf('.');
            return dot > 0 ? host.Substring(0, dot) : host;
        }
    }
}
