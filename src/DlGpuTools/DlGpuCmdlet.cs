using System;
using System.Management.Automation;
using System.Threading;
using DlGpuTools.Devices;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The base of every DlGpuTools cmdlet: the runtime taken once per command, throttled progress, one cancellation
    /// token that Ctrl+C (StopProcessing) cancels, disposal, and (in DlGpuCmdlet.Failures.cs) one way from an engine
    /// failure to an ErrorRecord. Modelled on PowerShell's own shared cmdlet bases (GetRandomCommandBase).
    /// </summary>
    public abstract partial class DlGpuCmdlet : PSCmdlet, IDisposable
    {
        private readonly System.Diagnostics.Stopwatch _sinceProgress = System.Diagnostics.Stopwatch.StartNew();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        // StopProcessing comes on another thread than Dispose: the lock keeps it from cancelling a disposed source.
        private readonly object _stopLock = new object();
        private bool _disposed;
        private bool _progressShown;
        private GpuRuntime? _runtime;

        /// <summary>Cancelled by Ctrl+C (StopProcessing): pass it to every long engine call, which then frees what it holds and
        /// stops.</summary>
        protected CancellationToken Cancellation => _stop.Token;

        /// <summary>True once the command was asked to stop: a loop over measurements checks it between them.</summary>
        protected bool StopRequested => _stop.IsCancellationRequested;

        /// <summary>
        /// A progress update, at most four a second: progress records are costly on Windows PowerShell
        /// (PowerShell#2138), and a measurement reports far more often than a person can read.
        /// </summary>
        protected void ReportProgress(string activity, string status, int percent)
        {
            if (_sinceProgress.ElapsedMilliseconds < 250) return;
            _sinceProgress.Restart();
            _progressShown = true;
            WriteProgress(new ProgressRecord(1, activity, status) { PercentComplete = Math.Max(0, Math.Min(100, percent)) });
        }

        /// <summary>
        /// Closes the progress bar, if one is open: call it on every way out (the end, an error, Ctrl+C). A stopped
        /// pipeline refuses writes, and then the host clears the bar itself.
        /// </summary>
        protected void CompleteProgress()
        {
            if (!_progressShown) return;
            _progressShown = false;
            try
            {
                WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, "Done") { RecordType = ProgressRecordType.Completed });
            }
            catch (PipelineStoppedException)
            {
            }
        }

        /// <summary>
        /// Runs one piece of long work with the progress bar closed on every way out. Returns false when Ctrl+C
        /// stopped it: the engine freed what it held, and PowerShell ends the pipeline.
        /// </summary>
        protected bool RunStoppable(Action work)
        {
            if (work == null) throw new ArgumentNullException(nameof(work));
            try
            {
                work();
                return true;
            }
            catch (OperationCanceledException) when (StopRequested)
            {
                return false;
            }
            finally
            {
                CompleteProgress();
            }
        }

        /// <summary>Ctrl+C: cancels <see cref="Cancellation"/>. A command that holds more (remote ranks) adds to it and calls
        /// this.</summary>
        protected override void StopProcessing()
        {
            lock (_stopLock)
            {
                if (!_disposed) _stop.Cancel();
            }
        }

        /// <summary>
        /// The runtime this command uses from start to end, taken once: another runspace changing a
        /// DLGPUTOOLS_*_PATH override mid-command affects later commands, never half of this one. Taking it writes
        /// the search-path warnings (an empty or relative LD_LIBRARY_PATH entry) once per command.
        /// </summary>
        protected GpuRuntime Runtime
        {
            get
            {
                if (_runtime != null) return _runtime;
                _runtime = GpuRuntime.For(CurrentDirectory);
                // Said by every command that loads libraries: a search path that names the current directory lets a
                // library planted where the user works be loaded (by the libraries we load, which search for their own).
                foreach (string warning in _runtime.SearchPathWarnings()) WriteWarning(warning);
                return _runtime;
            }
        }

        /// <summary>
        /// PowerShell's current file-system location, which relative DLGPUTOOLS_*_PATH overrides are read against:
        /// Set-Location does not change the process's current directory, so the engine must be told.
        /// </summary>
        protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

        /// <summary>
        /// PowerShell disposes a cmdlet however its pipeline ends (the end, Ctrl+C, a terminating error, a downstream
        /// Select-Object -First): what a command holds (GPU contexts) goes back in <see cref="Dispose(bool)"/>.
        /// </summary>
        public void Dispose()
        {
            lock (_stopLock)
            {
                if (_disposed) return;
                _disposed = true;
            }

            Dispose(true);
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Gives back what the command holds; called once, whichever way the pipeline ended.</summary>
        protected virtual void Dispose(bool disposing)
        {
        }
    }
}
