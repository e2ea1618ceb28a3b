using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using DlGpuTools.Collectives;
using DlGpuTools.Commands.Remoting;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Measure-GpuCollective across hosts: -HostName logs in over SSH and starts one rank process per GPU; -Session
    /// takes sessions the user opened, one rank each. Each rank runs this same command in its Rank mode on its host;
    /// the ranks' results are merged here by the engine into one result per operation.
    /// </summary>
    public sealed partial class MeasureGpuCollectiveCommand
    {
        private const string HostsSet = "Hosts";
        private const string SessionsSet = "Sessions";

        // This command's own parameters that say where the ranks run, which the ranks themselves do not take, and the
        // common parameters, which each rank's pipeline has its own of.
        private static readonly HashSet<string> NotForRanks = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            nameof(HostName), nameof(Session), nameof(GpusPerHost), nameof(UserName), nameof(Port), nameof(KeyFilePath), nameof(SshOption),
            nameof(Index), nameof(Uuid), nameof(InputObject), "Rank", "RankCount", "UniqueId",
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
        };

        private volatile bool _ranksStopping;

        /// <summary>Hosts to run ranks on, one per GPU, logged in to over SSH (PowerShell 7's New-PSSession -HostName).</summary>
        [Parameter(Mandatory = true, ParameterSetName = HostsSet)]
        [ValidateNotNullOrEmpty]
        public string[]? HostName { get; set; }

        /// <summary>Sessions to run one rank each in, in rank order; sessions to one computer take its GPUs 0, 1...</summary>
        [Parameter(Mandatory = true, ParameterSetName = SessionsSet)]
        [ValidateNotNullOrEmpty]
        public PSSession[]? Session { get; set; }

        /// <summary>GPUs to use on each host; default: each host's Get-CudaDevice count (or -Index's GPUs).</summary>
        [Parameter(ParameterSetName = HostsSet)]
        [ValidateRange(1, 1024)]
        public int GpusPerHost { get; set; }

        [Parameter(ParameterSetName = HostsSet)]
        [ValidateNotNullOrEmpty]
        public string? UserName { get; set; }

        [Parameter(ParameterSetName = HostsSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter(ParameterSetName = HostsSet)]
        [ValidateNotNullOrEmpty]
        public string? KeyFilePath { get; set; }

        /// <summary>ssh options for every session (New-PSSession -Options, PowerShell 7.3+).</summary>
        [Parameter(ParameterSetName = HostsSet)]
        public Hashtable? SshOption { get; set; }

        private bool OnOtherHosts => ParameterSetName == HostsSet || ParameterSetName == SessionsSet;

        /// <summary>Tells a run on other hosts to stop: each rank stops (aborting its communicator) and our sessions close.</summary>
        private void StopRanks() => _ranksStopping = true;

        private void MeasureOnHosts()
        {
            if (Uuid != null || InputObject != null)
            {
                WriteFailure(CollectiveArgumentException.DeviceSelectionNotRemote(), null);
                return;
            }

            string? keyFile = KeyFilePath == null ? null : GetUnresolvedProviderPathFromPSPath(KeyFilePath);
            var options = new RankLaunchOptions
            {
                Sessions = Session,
                Hosts = HostName?.Distinct(StringComparer.OrdinalIgnoreCase)
                    .Select(h => new SshTarget(h, UserName, Port, keyFile, SshOption))
                    .ToList(),
                GpusPerHost = GpusPerHost,
                Indexes = Index,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),

                // Each rank gives up on any NCCL wait after -TimeoutSeconds and reports it; the margin covers its start
                // (module load, CUDA and NCCL initialisation) and one report's trip back.
                Silence = TimeSpan.FromSeconds(TimeoutSeconds + 30),
                Parameters = ParametersForRanks(),
            };

            IReadOnlyList<IReadOnlyList<PSObject>>? outputs;
            try
            {
                var host = new CmdletRankHost(this, HostName != null ? HostName.Length : Session?.Length ?? 0);
                using (var launcher = new RankLauncher(options, host)) outputs = launcher.Run();
            }
            finally
            {
                CompleteProgress();
            }

            if (outputs == null) return;
            var perRank = new List<CollectiveRankResult>();
            foreach (IReadOnlyList<PSObject> output in outputs)
            {
                PSObject[] results = output
                    .Where(o => o.TypeNames.Any(t => t.EndsWith("." + nameof(CollectiveRankResult), StringComparison.Ordinal)))
                    .ToArray();
                if (results.Length != 1)
                {
                    WriteFailure(RankErrors.ResultsDiffer($"rank {perRank.Count} returned {results.Length} results"), null);
                    return;
                }

                try
                {
                    perRank.Add(RankResultReader.Read<CollectiveRankResult>(results[0], perRank.Count));
                }
                catch (CollectiveHostException e)
                {
                    WriteFailure(e, null);
                    return;
                }
            }

            foreach (CollectiveResult merged in CollectiveMeasurement.Merge(perRank)) WriteObject(merged);
        }

        /// <summary>The measurement's parameters as the user bound them, as plain values that cross remoting unchanged.</summary>
        private Hashtable ParametersForRanks()
        {
            var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, object> bound in MyInvocation.BoundParameters)
            {
                if (NotForRanks.Contains(bound.Key)) continue;
                parameters[bound.Key] = bound.Value switch
                {
                    SwitchParameter s => s.IsPresent,
                    Enum e => e.ToString(),
                    Enum[] list => list.Select(e => e.ToString()).ToArray(),
                    _ => bound.Value,
                };
            }

            return parameters;
        }

        /// <summary>What the launcher reports, written by this cmdlet (the launcher runs on the pipeline thread).</summary>
        private sealed class CmdletRankHost : IRankLauncherHost
        {
            private readonly MeasureGpuCollectiveCommand _command;
            private readonly string _activity;

            public CmdletRankHost(MeasureGpuCollectiveCommand command, int hosts)
            {
                _command = command;
                _activity = $"Measure-GpuCollective on {hosts} host(s)";
            }

            public bool Stopping => _command._ranksStopping;

            // A stopped pipeline refuses writes (PipelineStoppedException); what the clean-up says then is dropped.
            public void WriteError(ErrorRecord record)
            {
                if (!Stopping) _command.WriteError(record);
            }

            public void WriteFailure(CollectiveHostException failure)
            {
                if (!Stopping) _command.WriteFailure(failure, failure.Target);
            }

            public void WriteWarning(string text)
            {
                if (!Stopping) _command.WriteWarning(text);
            }

            public void WriteVerbose(string text)
            {
                if (!Stopping) _command.WriteVerbose(text);
            }

            public void WriteProgress(string status, int percent)
            {
                if (!Stopping) _command.ReportProgress(_activity, status, percent);
            }
        }
    }
}
