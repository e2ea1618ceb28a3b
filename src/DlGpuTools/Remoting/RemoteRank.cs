using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace DlGpuTools.Commands.Remoting
{
    /// <summary>
    /// One rank of a collective: a remote session (one process on its host, so one GPU) and the pipeline that runs
    /// in it. Output, errors, warnings and progress stream back while the rank runs (BeginInvoke into a data
    /// collection), so rank 0's rendezvous can be read before the other ranks start. Every stream counts as a sign
    /// of life, which is how a rank whose process is stuck is told from one that works.
    /// </summary>
    internal sealed class RemoteRank : IDisposable
    {
        private readonly AutoResetEvent _changed;
        private PowerShell? _pipeline;
        private IAsyncResult? _running;
        private long _lastSignTicks = DateTime.UtcNow.Ticks;
        private int _outputRead;
        private int _errorsRead;
        private int _warningsRead;

        public RemoteRank(RankSlot slot, int rank, AutoResetEvent changed)
        {
            Slot = slot;
            Rank = rank;
            _changed = changed;
        }

        public RankSlot Slot { get; }

        public int Rank { get; }

        public string Describe => $"rank {Rank} (GPU {Slot.LocalIndex} on {Slot.HostName})";

        /// <summary>The last remote progress record, for the local progress bar.</summary>
        public ProgressRecord? LastProgress { get; private set; }

        /// <summary>When the rank last wrote anything (output, error, warning, progress) or changed state.</summary>
        public DateTime LastSign => new DateTime(Interlocked.Read(ref _lastSignTicks), DateTimeKind.Utc);

        public bool Started => _pipeline != null;

        public PSInvocationState State => _pipeline?.InvocationStateInfo.State ?? PSInvocationState.NotStarted;

        public Exception? Reason => _pipeline?.InvocationStateInfo.Reason;

        /// <summary>True once the rank wrote an error record (read or not yet read).</summary>
        public bool HadErrors => _errorsRead > 0 || (_pipeline?.Streams.Error.Count ?? 0) > 0;

        public bool Finished =>
            State == PSInvocationState.Completed || State == PSInvocationState.Failed || State == PSInvocationState.Stopped;

        public PSDataCollection<PSObject> Output { get; } = new PSDataCollection<PSObject>();

        /// <summary>Starts a command in the rank's session and returns at once; what it writes streams into this object.</summary>
        public void Start(string command, IDictionary parameters)
        {
            PowerShell pipeline = PowerShell.Create();
            pipeline.Runspace = Slot.Session.Runspace;
            pipeline.AddCommand(command).AddParameters(parameters);
            Watch(pipeline);
            _pipeline = pipeline;

            // Silence counts from the start: ranks 1..n-1 wait for rank 0's rendezvous before they start.
            Interlocked.Exchange(ref _lastSignTicks, DateTime.UtcNow.Ticks);
            _running = pipeline.BeginInvoke<PSObject, PSObject>(null, Output);
        }

        /// <summary>Objects written since the last call (output stream), in order.</summary>
        public PSObject[] TakeOutput() => Take(Output, ref _outputRead);

        public ErrorRecord[] TakeErrors() =>
            _pipeline == null ? Array.Empty<ErrorRecord>() : Take(_pipeline.Streams.Error, ref _errorsRead);

        public WarningRecord[] TakeWarnings() =>
            _pipeline == null ? Array.Empty<WarningRecord>() : Take(_pipeline.Streams.Warning, ref _warningsRead);

        /// <summary>Asks the remote pipeline to stop (the rank's StopProcessing aborts its NCCL communicator); returns at once.</summary>
        public void BeginStop()
        {
            if (_pipeline == null || Finished) return;
            try
            {
                _pipeline.BeginStop(null, null);
            }
            catch (Exception e) when (e is InvalidOperationException || e is ObjectDisposedException || e is PSInvalidOperationException)
            {
                // Ended between the check and the call: nothing left to stop.
            }
        }

        public void Dispose()
        {
            // A pipeline that did not end when asked is left to the session's close, which ends its process.
            if (_pipeline != null && Finished && _running != null && _running.IsCompleted) _pipeline.Dispose();

            Output.Dispose();
        }

        private static T[] Take<T>(PSDataCollection<T> collection, ref int read)
        {
            int count = collection.Count;
            if (count <= read) return Array.Empty<T>();
            var taken = new T[count - read];
            for (int i = 0; i < taken.Length; i++) taken[i] = collection[read + i];
            read = count;
            return taken;
        }

        private void Watch(PowerShell pipeline)
        {
            Output.DataAdded += (_, _) => Signal();
            pipeline.Streams.Error.DataAdded += (_, _) => Signal();
            pipeline.Streams.Warning.DataAdded += (_, _) => Signal();
            pipeline.Streams.Verbose.DataAdded += (_, _) => Signal();
            pipeline.Streams.Progress.DataAdded += (sender, e) =>
            {
                var records = (PSDataCollection<ProgressRecord>)sender!; // the sender is the collection the handler is on
                LastProgress = records[e.Index];
                Signal();
            };
            pipeline.InvocationStateChanged += (_, _) => Signal();
        }

        private void Signal()
        {
            Interlocked.Exchange(ref _lastSignTicks, DateTime.UtcNow.Ticks);
            _changed.Set();
        }
    }
}
