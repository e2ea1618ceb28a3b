using System;
using System.Diagnostics;
using System.Threading;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// Bounds every wait of a run: each step (setup, a batch, a check) must finish within the timeout of the last
    /// progress, and a cancellation (Ctrl+C) ends the wait at once.
    /// </summary>
    internal sealed class CollectiveDeadline
    {
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        private readonly CancellationToken _cancellation;

        public CollectiveDeadline(int timeoutSeconds, CancellationToken cancellation)
        {
            TimeoutSeconds = timeoutSeconds;
            _cancellation = cancellation;
        }

        public int TimeoutSeconds { get; }

        public CancellationToken Cancellation => _cancellation;

        /// <summary>Seconds since the last completed step.</summary>
        public double IdleSeconds
        {
            get
            {
                lock (_sinceProgress) return _sinceProgress.Elapsed.TotalSeconds;
            }
        }

        public void Progress()
        {
            lock (_sinceProgress) _sinceProgress.Restart();
        }

        public void Check(string step)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (IdleSeconds > TimeoutSeconds) throw new CollectiveTimeoutException(step, TimeoutSeconds);
        }
    }
}
