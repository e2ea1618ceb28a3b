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
    /// <summary>One SSH login: a host and how to log in (what New-PSSession -HostName takes).</summary>
    internal sealed class SshTarget
    {
        public SshTarget(string hostName, string? userName, int port, string? keyFilePath, Hashtable? options)
        {
            HostName = hostName;
            UserName = userName;
            Port = port;
            KeyFilePath = keyFilePath;
            Options = options;
        }

        public string HostName { get; }

        public string? UserName { get; }

        /// <summary>0: ssh's own default (22, or what ~/.ssh/config says).</summary>
        public int Port { get; }

        public string? KeyFilePath { get; }

        public Hashtable? Options { get; }
    }

    /// <summary>What came of one attempt to open a session: the session, or why there is none.</summary>
    internal sealed class SessionOpening
    {
        public SessionOpening(SshTarget target, PSSession? session, string? error)
        {
            Target = target;
            Session = session;
            Error = error;
        }

        public SshTarget Target { get; }

        public PSSession? Session { get; }

        public string? Error { get; }
    }

    /// <summary>
    /// Opens PowerShell sessions over SSH. The module is built against the Windows PowerShell 5.1 API, which has no
    /// SSHConnectionInfo, so it asks PowerShell 7's own New-PSSession -HostName, run in a private runspace pool: the
    /// user's ssh configuration, keys and known hosts apply exactly as they do for New-PSSession at the prompt, and
    /// nothing here speaks SSH itself. Sessions open at once (one pipeline each), each bounded by the deadline.
    /// </summary>
    internal sealed class SshSessionOpener : IDisposable
    {
        private readonly RunspacePool _pool;
        private bool? _hasConnectingTimeout;

        public SshSessionOpener(int sessionsAtOnce)
        {
            _pool = RunspaceFactory.CreateRunspacePool(InitialSessionState.CreateDefault2());
            _pool.SetMaxRunspaces(Math.Max(1, sessionsAtOnce));
            _pool.Open();
        }

        /// <summary>
        /// PowerShell 6 and later: SSH remoting is there when its connection type is. Windows PowerShell 5.1 has only
        /// WinRM, so -HostName cannot work there (sessions the user opens can: -Session).
        /// </summary>
        public static bool IsSupported =>
            typeof(PSObject).Assembly.GetType("System.Management.Automation.Runspaces.SSHConnectionInfo") != null;

        /// <summary>
        /// Opens a session to each target at the same time. One not open within the timeout (a host that accepts the
        /// connection but never answers, a password prompt no one answers) is stopped, which ends its ssh process,
        /// and comes back with the reason; so does one that <paramref name="stopping"/> cuts short.
        /// </summary>
        public IReadOnlyList<SessionOpening> Open(IReadOnlyList<SshTarget> targets, TimeSpan timeout, Func<bool> stopping)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            int timeoutMs = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
            var pipelines = new PowerShell[targets.Count];
            var waits = new IAsyncResult[targets.Count];
            var results = new SessionOpening?[targets.Count];
            for (int i = 0; i < targets.Count; i++)
            {
                pipelines[i] = NewSessionPipeline(targets[i], timeoutMs);
                waits[i] = pipelines[i].BeginInvoke();
            }

            while (waits.Any(w => !w.IsCompleted) && DateTime.UtcNow < deadline && !stopping())
            {
                Thread.Sleep(50);
            }

            for (int i = 0; i < targets.Count; i++)
            {
                if (!waits[i].IsCompleted)
                {
                    pipelines[i].BeginStop(null, null);
                    string why = stopping() ? "stopped before the session opened" : $"no session within {timeout.TotalSeconds:0} s";
                    results[i] = new SessionOpening(targets[i], null, why);
                }
            }

            // Stopping ends the ssh process at once; this bound only keeps a misbehaving stop from holding the command.
            DateTime stopDeadline = DateTime.UtcNow.AddSeconds(10);
            for (int i = 0; i < targets.Count; i++)
            {
                bool ended = waits[i].AsyncWaitHandle.WaitOne(Math.Max(0, (int)(stopDeadline - DateTime.UtcNow).TotalMilliseconds));
                if (!ended) continue;
                PSSession? session = Collect(pipelines[i], waits[i], out string? error);
                if (results[i] != null)
                {
                    // Opened just as time ran out: not used, so closed.
                    if (session != null) Close(new[] { session }, TimeSpan.FromSeconds(10));
                }
                else
                {
                    string? why = session == null ? error ?? "New-PSSession returned no session" : null;
                    results[i] = new SessionOpening(targets[i], session, why);
                }

                pipelines[i].Dispose();
            }

            return results.Select((r, i) => r ?? new SessionOpening(targets[i], null, "New-PSSession did not stop")).ToList();
        }

        /// <summary>
        /// Closes sessions at once, each ending its ssh process and so its remote process; bounded by <paramref name="limit"/>.
        /// </summary>
        public static void Close(IEnumerable<PSSession> sessions, TimeSpan limit)
        {
            var closing = sessions
                .Select(s => new Thread(() => CloseOne(s)) { IsBackground = true, Name = "DlGpuTools session close" })
                .ToList();
            foreach (Thread thread in closing) thread.Start();
            DateTime deadline = DateTime.UtcNow + limit;
            foreach (Thread thread in closing) thread.Join(Math.Max(0, (int)(deadline - DateTime.UtcNow).TotalMilliseconds));
        }

        public void Dispose() => _pool.Dispose();

        private static void CloseOne(PSSession session)
        {
            try
            {
                session.Runspace.Dispose();
            }
            catch (Exception e) when (e is InvalidRunspaceStateException || e is PSRemotingTransportException
                || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // Already broken or closed: its process is gone with its connection.
            }
        }

        private PowerShell NewSessionPipeline(SshTarget target, int timeoutMs)
        {
            PowerShell pipeline = PowerShell.Create();
            pipeline.RunspacePool = _pool;
            pipeline.AddCommand("New-PSSession").AddParameter("HostName", target.HostName);
            if (!string.IsNullOrEmpty(target.UserName)) pipeline.AddParameter("UserName", target.UserName);
            if (target.Port > 0) pipeline.AddParameter("Port", target.Port);
            if (!string.IsNullOrEmpty(target.KeyFilePath)) pipeline.AddParameter("KeyFilePath", target.KeyFilePath);
            if (target.Options != null) pipeline.AddParameter("Options", target.Options);

            // PowerShell 7.3+ bounds the SSH handshake itself (milliseconds); older ones rely on the stop above.
            if (HasConnectingTimeout()) pipeline.AddParameter("ConnectingTimeout", timeoutMs);
            return pipeline;
        }

        private bool HasConnectingTimeout()
        {
            if (_hasConnectingTimeout.HasValue) return _hasConnectingTimeout.Value;
            using (PowerShell pipeline = PowerShell.Create())
            {
                pipeline.RunspacePool = _pool;
                pipeline.AddCommand("Get-Command").AddParameter("Name", "New-PSSession");
                CommandInfo? command = pipeline.Invoke().Select(o => o.BaseObject).OfType<CommandInfo>().FirstOrDefault();
                _hasConnectingTimeout = command?.Parameters.ContainsKey("ConnectingTimeout") == true;
            }

            return _hasConnectingTimeout.Value;
        }

        private static PSSession? Collect(PowerShell pipeline, IAsyncResult wait, out string? error)
        {
            error = null;
            try
            {
                PSSession? session = pipeline.EndInvoke(wait).Select(o => o.BaseObject).OfType<PSSession>().FirstOrDefault();
                if (session == null) error = string.Join(" ", pipeline.Streams.Error.Select(e => e.Exception?.Message ?? e.ToString()));
                return session;
            }
            catch (RuntimeException e)
            {
                error = e.Message;
                return null;
            }
        }
    }
}
