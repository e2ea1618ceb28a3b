using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using DlGpuTools.Collectives;

namespace DlGpuTools.Commands.Remoting
{
    /// <summary>Where to run the ranks and what each runs: the input of <see cref="RankLauncher"/>.</summary>
    internal sealed class RankLaunchOptions
    {
        /// <summary>Hosts to log in to over SSH (one session per GPU); null when the user passed sessions.</summary>
        public IReadOnlyList<SshTarget>? Hosts { get; set; }

        /// <summary>The user's sessions, one rank each, in rank order; null with <see cref="Hosts"/>.</summary>
        public IReadOnlyList<PSSession>? Sessions { get; set; }

        /// <summary>GPUs to use on every host; 0 asks each host (a remote Get-CudaDevice) and uses them all.</summary>
        public int GpusPerHost { get; set; }

        /// <summary>The device indexes to use on every host (-Index); null for 0..n-1.</summary>
        public IReadOnlyList<int>? Indexes { get; set; }

        /// <summary>The bound of every step that waits on a host: a session opening, the module loading, rank 0's rendezvous.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>
        /// A running rank that writes nothing (no output, progress, warning or error) for this long is stuck. Each rank
        /// bounds its own NCCL waits by the same -TimeoutSeconds and then reports, so silence past it plus a margin
        /// means the rank's process no longer answers, not that a collective is slow.
        /// </summary>
        public TimeSpan Silence { get; set; } = TimeSpan.FromSeconds(150);

        /// <summary>The command each rank runs, with its rank parameters added (-Rank, -RankCount, -Index, -UniqueId).</summary>
        public string Command { get; set; } = "Measure-GpuCollective";

        /// <summary>The measurement's parameters, the same on every rank (plain values, which cross remoting as they are).</summary>
        public IDictionary Parameters { get; set; } = new Hashtable();
    }

    /// <summary>What the launcher reports while it runs; the cmdlet writes it on the pipeline thread.</summary>
    internal interface IRankLauncherHost
    {
        bool Stopping { get; }

        void WriteError(ErrorRecord record);

        /// <summary>A failure of the run itself (a host, a session, a rank), written as every engine failure is.</summary>
        void WriteFailure(CollectiveHostException failure);

        void WriteWarning(string text);

        void WriteVerbose(string text);

        void WriteProgress(string status, int percent);
    }
}
