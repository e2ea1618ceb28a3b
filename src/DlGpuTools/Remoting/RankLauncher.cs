using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace DlGpuTools.Commands.Remoting
{
    /// <summary>
    /// Runs one collective as one rank process per GPU on several hosts, launched through PowerShell remoting: one
    /// session per GPU (a session is a process, and NCCL wants one rank per process here), rank 0 first, its NCCL
    /// unique id read from its output and handed to the others as a parameter. NCCL carries the data between the
    /// ranks; the sessions only start them and bring their results back. Every wait is bounded, a failed or silent
    /// rank stops the others, and every session this opened is closed on every way out, which ends its process.
    /// </summary>
    internal sealed class RankLauncher : IDisposable
    {
        // Runs in each session before its rank: loads the module the login user's PowerShell finds (or keeps the one
        // the user imported into a session they passed), checks it has the rank mode, and counts the GPUs if asked.
        private const string PrepareScript = @"
param([bool] $CountGpus)
$module = Get-Module DlGpuTools | Select-Object -First 1
$importError = $null
if (-not $module) {
    $module = Import-Module DlGpuTools -PassThru -ErrorAction SilentlyContinue -ErrorVariable importError | Select-Object -First 1
}
$command = if ($module) { Get-Command Measure-GpuCollective -Module DlGpuTools -ErrorAction SilentlyContinue }
$found = $null
$gpus = if ($command -and $CountGpus) { @(Get-CudaDevice -ErrorAction SilentlyContinue -ErrorVariable found).Count }
[pscustomobject]@{
    ModuleVersion = if ($module) { [string]$module.Version }
    ModuleError = if ($importError) { [string]$importError[0] } elseif ($module -and -not $command) { 'it has no Measure-GpuCollective' }
    RankMode = [bool]($command -and $command.Parameters.ContainsKey('UniqueId'))
    PSModulePath = $env:PSModulePath
    GpuCount = $gpus
    GpuError = if ($found) { ($found | ForEach-Object { [string]$_ }) -join ' ' }
}";

        private readonly RankLaunchOptions _options;
        private readonly IRankLauncherHost _host;
        private readonly AutoResetEvent _changed = new AutoResetEvent(false);
        private readonly List<RankSlot> _slots = new List<RankSlot>();
        private readonly List<RemoteRank> _ranks = new List<RemoteRank>();
        private readonly List<PSSession> _opened = new List<PSSession>();
        private SshSessionOpener? _opener;

        public RankLauncher(RankLaunchOptions options, IRankLauncherHost host)
        {
            _options = options;
            _host = host;
        }

        /// <summary>
        /// Places the ranks, runs them and returns each rank's results in rank order (what the rank wrote after its
        /// rendezvous); null when it could not (the errors that say why were written) or was stopped.
        /// </summary>
        public IReadOnlyList<IReadOnlyList<PSObject>>? Run()
        {
            try
            {
                if (!PlaceRanks()) return null;
                if (_slots.Count < 2)
                {
                    _host.WriteFailure(RankErrors.NeedsTwoRanks(_slots.Count));
                    return null;
                }

                return RunRanks();
            }
            finally
            {
                Cleanup();
            }
        }

        public void Dispose()
        {
            Cleanup();
            _changed.Dispose();
        }

        private bool PlaceRanks()
        {
            if (_options.Sessions != null) return PlaceOnSessions(_options.Sessions);
            if (!SshSessionOpener.IsSupported)
            {
                _host.WriteFailure(RankErrors.NeedsPowerShell7());
                return false;
            }

            IReadOnlyList<SshTarget> hosts = _options.Hosts ?? Array.Empty<SshTarget>();
            _opener = new SshSessionOpener(64);
            List<PSSession>? first = OpenSessions(hosts);
            if (first == null) return false;
            bool countGpus = _options.GpusPerHost == 0 && _options.Indexes == null;
            List<PSObject>? facts = Prepare(first, hosts.Select(h => h.HostName).ToList(), countGpus);
            if (facts == null) return false;

            var gpus = new List<IReadOnlyList<int>>();
            for (int h = 0; h < hosts.Count; h++)
            {
                IReadOnlyList<int>? indexes = GpusOf(hosts[h].HostName, facts[h]);
                if (indexes == null) return false;
                gpus.Add(indexes);
            }

            // The first session of each host already runs its first GPU's rank; the rest get one session each.
            var more = new List<SshTarget>();
            for (int h = 0; h < hosts.Count; h++) more.AddRange(Enumerable.Repeat(hosts[h], gpus[h].Count - 1));
            List<PSSession>? rest = more.Count == 0 ? new List<PSSession>() : OpenSessions(more);
            if (rest == null) return false;
            if (rest.Count > 0 && Prepare(rest, more.Select(h => h.HostName).ToList(), countGpus: false) == null) return false;

            int next = 0;
            for (int h = 0; h < hosts.Count; h++)
            {
                for (int g = 0; g < gpus[h].Count; g++)
                {
                    _slots.Add(new RankSlot(hosts[h].HostName, gpus[h][g], g == 0 ? first[h] : rest[next++], owned: true));
                }
            }

            return true;
        }

        private bool PlaceOnSessions(IReadOnlyList<PSSession> sessions)
        {
            bool usable = true;
            foreach (PSSession session in sessions)
            {
                Runspace runspace = session.Runspace;
                RunspaceState state = runspace.RunspaceStateInfo.State;
                if (state != RunspaceState.Opened || runspace.RunspaceAvailability != RunspaceAvailability.Available)
                {
                    _host.WriteFailure(RankErrors.SessionNotUsable(session.ComputerName, $"{state} and {runspace.RunspaceAvailability}"));
                    usable = false;
                }
            }

            if (sessions.Select(s => s.InstanceId).Distinct().Count() != sessions.Count)
            {
                _host.WriteFailure(RankErrors.SessionNotUsable("the sessions",
                    "passed more than once (a session is one process: one rank)"));
                usable = false;
            }

            if (!usable) return false;
            if (Prepare(sessions.ToList(), sessions.Select(s => s.ComputerName).ToList(), countGpus: false) == null) return false;

            // Sessions to the same computer are processes on one host: they take its GPUs in the order given.
            var perHost = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (PSSession session in sessions)
            {
                perHost.TryGetValue(session.ComputerName, out int k);
                perHost[session.ComputerName] = k + 1;
                int index = _options.Indexes != null && k < _options.Indexes.Count ? _options.Indexes[k] : k;
                _slots.Add(new RankSlot(session.ComputerName, index, session, owned: false));
            }

            return true;
        }

        private List<PSSession>? OpenSessions(IReadOnlyList<SshTarget> targets)
        {
            _host.WriteProgress($"Opening {targets.Count} session(s) over SSH", 0);
            IReadOnlyList<SessionOpening> opened = _opener!.Open(targets, _options.Timeout, () => _host.Stopping); // set by PlaceRanks
            var sessions = new List<PSSession>();
            bool all = true;
            foreach (SessionOpening opening in opened)
            {
                if (opening.Session != null)
                {
                    // Ours from here: Cleanup closes it, whatever happens next.
                    _opened.Add(opening.Session);
                    sessions.Add(opening.Session);
                    _host.WriteVerbose($"Session {opening.Session.Id} to {opening.Target.HostName} is open.");
                }
                else
                {
                    all = false;
                    if (_host.Stopping) continue;
                    _host.WriteFailure(RankErrors.Unreachable(opening.Target.HostName, opening.Error ?? "no reason given"));
                }
            }

            return all ? sessions : null;
        }

        /// <summary>
        /// Runs the preparation in every session at once; null (errors written) when the module is missing or a session did
        /// not answer.
        /// </summary>
        private List<PSObject>? Prepare(List<PSSession> sessions, List<string> hostNames, bool countGpus)
        {
            _host.WriteProgress($"Loading DlGpuTools in {sessions.Count} session(s)", 0);
            var pipelines = sessions.Select(s =>
            {
                PowerShell p = PowerShell.Create();
                p.Runspace = s.Runspace;
                p.AddScript(PrepareScript).AddArgument(countGpus);
                return p;
            }).ToList();
            try
            {
                var waits = pipelines.Select(p => p.BeginInvoke()).ToList();
                DateTime deadline = DateTime.UtcNow + _options.Timeout;
                while (waits.Any(w => !w.IsCompleted) && DateTime.UtcNow < deadline && !_host.Stopping) Thread.Sleep(50);
                var facts = new List<PSObject>();
                bool ok = true;
                for (int i = 0; i < pipelines.Count; i++)
                {
                    PSObject? fact = null;
                    string? why = null;
                    if (!waits[i].IsCompleted)
                    {
                        pipelines[i].BeginStop(null, null);
                        why = $"loading the module did not finish within {_options.Timeout.TotalSeconds:0} s";
                    }
                    else
                    {
                        try
                        {
                            fact = pipelines[i].EndInvoke(waits[i]).FirstOrDefault();
                        }
                        catch (RuntimeException e)
                        {
                            why = e.Message;
                        }
                    }

                    if (_host.Stopping) return null;
                    if (fact == null || !(fact.Properties["RankMode"]?.Value is bool rankMode) || !rankMode)
                    {
                        ok = false;
                        string? reason = why ?? Text(fact, "ModuleError");
                        _host.WriteFailure(RankErrors.ModuleMissing(hostNames[i], reason, Text(fact, "PSModulePath")));
                        continue;
                    }

                    _host.WriteVerbose($"{hostNames[i]}: DlGpuTools {Text(fact, "ModuleVersion")}.");
                    facts.Add(fact);
                }

                return ok ? facts : null;
            }
            finally
            {
                foreach (PowerShell p in pipelines) p.Dispose();
            }
        }

        private IReadOnlyList<int>? GpusOf(string host, PSObject fact)
        {
            if (_options.Indexes != null) return _options.Indexes;
            if (_options.GpusPerHost > 0) return Enumerable.Range(0, _options.GpusPerHost).ToList();
            int count = fact.Properties["GpuCount"]?.Value is int n ? n : 0;
            if (count == 0)
            {
                _host.WriteFailure(RankErrors.NoGpu(host, Text(fact, "GpuError")));
                return null;
            }

            _host.WriteVerbose($"{host}: {count} GPU(s), one rank each.");
            return Enumerable.Range(0, count).ToList();
        }

        private List<List<PSObject>>? RunRanks()
        {
            for (int r = 0; r < _slots.Count; r++)
            {
                _ranks.Add(new RemoteRank(_slots[r], r, _changed));
                _host.WriteVerbose($"Rank {r}: GPU {_slots[r].LocalIndex} on {_slots[r].HostName}.");
            }

            var results = _ranks.Select(_ => new List<PSObject>()).ToList();
            RemoteRank first = _ranks[0];
            first.Start(_options.Command, RankParameters(first, null));
            DateTime startedAt = DateTime.UtcNow;
            string? uniqueId = null;
            while (uniqueId == null)
            {
                if (_host.Stopping) return null;
                foreach (PSObject o in Pump(first))
                {
                    if (uniqueId == null && o.Properties["UniqueId"]?.Value is string id && id.Length > 0) uniqueId = id;
                    else results[0].Add(o);
                }

                if (uniqueId != null) break;
                if (first.Finished)
                {
                    string why = WhyEnded(first) ?? "it ended without writing its rendezvous (the NCCL unique id).";
                    _host.WriteFailure(RankErrors.RankFailed(first.Describe, why));
                    return null;
                }

                if (DateTime.UtcNow - startedAt > _options.Timeout)
                {
                    _host.WriteFailure(RankErrors.RankTimedOut(first.Describe, "wrote no rendezvous (the NCCL unique id)",
                        _options.Timeout));
                    return null;
                }

                _changed.WaitOne(200);
            }

            _host.WriteVerbose($"Rank 0 created the NCCL unique id; starting ranks 1 to {_ranks.Count - 1}.");
            foreach (RemoteRank rank in _ranks.Skip(1)) rank.Start(_options.Command, RankParameters(rank, uniqueId));

            while (_ranks.Any(r => !r.Finished))
            {
                if (_host.Stopping) return null;
                for (int r = 0; r < _ranks.Count; r++) results[r].AddRange(Pump(_ranks[r]));
                ReportProgress();
                RemoteRank? failed = _ranks.FirstOrDefault(r => r.Finished && (r.State != PSInvocationState.Completed || r.HadErrors));
                if (failed != null && _ranks.Any(r => !r.Finished))
                {
                    _host.WriteFailure(RankErrors.RankFailed(failed.Describe, WhyEnded(failed) ?? "it wrote the error above."));
                    return null;
                }

                RemoteRank? silent = _ranks.FirstOrDefault(r => !r.Finished && DateTime.UtcNow - r.LastSign > _options.Silence);
                if (silent != null)
                {
                    string what = "wrote nothing (no progress, result or error)";
                    _host.WriteFailure(RankErrors.RankTimedOut(silent.Describe, what, _options.Silence));
                    return null;
                }

                _changed.WaitOne(200);
            }

            for (int r = 0; r < _ranks.Count; r++) results[r].AddRange(Pump(_ranks[r]));
            foreach (RemoteRank rank in _ranks.Where(r => r.State != PSInvocationState.Completed))
            {
                _host.WriteFailure(RankErrors.RankFailed(rank.Describe, WhyEnded(rank) ?? rank.State.ToString()));
            }

            return results;
        }

        /// <summary>Writes what a rank wrote to its error and warning streams and returns its new output.</summary>
        private PSObject[] Pump(RemoteRank rank)
        {
            // As Invoke-Command writes them: the rank's own error id and category, with the host as PSComputerName.
            foreach (ErrorRecord error in rank.TakeErrors())
            {
                var origin = new OriginInfo(rank.Slot.HostName, rank.Slot.Session.InstanceId);
                _host.WriteError(error is RemotingErrorRecord ? error : new RemotingErrorRecord(error, origin));
            }

            foreach (WarningRecord warning in rank.TakeWarnings())
            {
                _host.WriteWarning($"Rank {rank.Rank} on {rank.Slot.HostName}: {warning.Message}");
            }

            return rank.TakeOutput();
        }

        private void ReportProgress()
        {
            // The run is as far as its slowest rank.
            RemoteRank? slowest = _ranks.Where(r => r.LastProgress != null).OrderBy(r => r.LastProgress!.PercentComplete).FirstOrDefault();
            if (!(slowest?.LastProgress is ProgressRecord p)) return;
            _host.WriteProgress($"Rank {slowest.Rank} on {slowest.Slot.HostName}: {p.StatusDescription}", p.PercentComplete);
        }

        private Hashtable RankParameters(RemoteRank rank, string? uniqueId)
        {
            var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in _options.Parameters) parameters[entry.Key] = entry.Value;
            parameters["Rank"] = rank.Rank;
            parameters["RankCount"] = _slots.Count;
            parameters["Index"] = new[] { rank.Slot.LocalIndex };
            if (uniqueId != null) parameters["UniqueId"] = uniqueId;
            return parameters;
        }

        private static string? WhyEnded(RemoteRank rank)
        {
            Exception? reason = rank.Reason;
            if (reason == null) return null;
            return (reason as IContainsErrorRecord)?.ErrorRecord?.ToString() ?? reason.Message;
        }

        private static string? Text(PSObject? fact, string property) => fact?.Properties[property]?.Value as string;

        private void Cleanup()
        {
            foreach (RemoteRank rank in _ranks) rank.BeginStop();

            // A stopped rank aborts its communicator and ends; the bound keeps a rank stuck in native code from
            // holding the command: closing its session below ends its process anyway.
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (_ranks.Any(r => r.Started && !r.Finished) && DateTime.UtcNow < deadline) _changed.WaitOne(100);
            foreach (RemoteRank rank in _ranks.Where(r => r.Started && !r.Finished && !r.Slot.Owned))
            {
                _host.WriteWarning(
                    $"Rank {rank.Rank} on {rank.Slot.HostName} did not stop within 10 s; its session (yours) is left open and busy.");
            }

            foreach (RemoteRank rank in _ranks) rank.Dispose();
            _ranks.Clear();
            _slots.Clear();
            if (_opened.Count > 0) SshSessionOpener.Close(_opened, TimeSpan.FromSeconds(15));
            _opened.Clear();
            _opener?.Dispose();
            _opener = null;
        }
    }
}
