using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The base of every DlGpuTools cmdlet: turns engine and native exceptions into ErrorRecords in one
    /// place, so every command reports a failure with the same ErrorId, category and remedy.
    /// </summary>
    public abstract class DlGpuCmdlet : PSCmdlet
    {
        private readonly System.Diagnostics.Stopwatch _sinceProgress = System.Diagnostics.Stopwatch.StartNew();
        private GpuRuntime? _runtime;

        /// <summary>
        /// A progress update, at most four a second: progress records are costly on Windows PowerShell
        /// (PowerShell#2138), and a measurement reports far more often than a person can read.
        /// </summary>
        protected void ReportProgress(string activity, string status, int percent)
        {
            if (_sinceProgress.ElapsedMilliseconds < 250) return;
            _sinceProgress.Restart();
            WriteProgress(new ProgressRecord(1, activity, status) { PercentComplete = Math.Max(0, Math.Min(100, percent)) });
        }

        /// <summary>
        /// Closes the progress bar: call it on every way out (the end, a terminating error, Ctrl+C). A stopped
        /// pipeline refuses writes, and then the host clears the bar itself.
        /// </summary>
        protected void CompleteProgress()
        {
            try
            {
                WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, "Done") { RecordType = ProgressRecordType.Completed });
            }
            catch (PipelineStoppedException)
            {
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

        /// <summary>True for exceptions the engine describes (native, driver and benchmark failures); others are bugs and surface as they are.</summary>
        protected static bool IsKnownFailure(Exception e) => FailureClassifier.Classify(e, false, Environment.GetEnvironmentVariable) != null;

        /// <summary>
        /// Lists the devices, or writes the one error that says why it cannot (no driver, cuInit failed, no
        /// device) and returns null. Devices that fail on their own are reported and left out.
        /// </summary>
        protected DeviceInventory? EnumerateDevices(bool writeWarnings)
        {
            DeviceInventory inventory;
            try
            {
                inventory = DeviceEnumerator.Enumerate(Runtime);
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                WriteFailure(e, null);
                return null;
            }

            if (writeWarnings)
            {
                foreach (string warning in inventory.Warnings) WriteWarning(warning);
            }

            foreach (DeviceFailure failure in inventory.Failures)
            {
                // Every failure a device query can raise is classified; the fallback keeps an unforeseen one visible.
                ErrorRecord record = ToErrorRecord(failure.Error, failure.Index)
                    ?? new ErrorRecord(failure.Error, FailureClassifier.CudaDeviceQueryFailed, ErrorCategory.DeviceError, failure.Index);
                WriteError(new ErrorRecord(record.Exception, FailureClassifier.CudaDeviceQueryFailed, record.CategoryInfo.Category, failure.Index) { ErrorDetails = record.ErrorDetails });
            }

            if (inventory.DriverDeviceCount == 0)
            {
                WriteFailure(FailureClassifier.CudaDeviceNotFound, FailureCategory.ResourceUnavailable, Messages.NoDevices, Messages.NoDevicesRemedy, null);
                return null;
            }

            return inventory;
        }

        /// <summary>
        /// The devices named by -InputObject, -Uuid or -Index (see <see cref="DeviceSelector"/> for which wins),
        /// or all of them; writes DeviceIndexNotFound/DeviceUuidNotFound for each key that names no device. An
        /// index whose device failed its own queries was already reported by <see cref="EnumerateDevices"/>.
        /// </summary>
        protected IReadOnlyList<CudaDevice> SelectDevices(DeviceInventory inventory, int[]? index, string[]? uuid, CudaDevice[]? inputObject)
        {
            DeviceSelection selection = DeviceSelector.Select(inventory.Devices, index, uuid, inputObject);
            IEnumerable<int> missing = selection.MissingIndexes.Where(i => inventory.Failures.All(f => f.Index != i));
            foreach (ErrorRecord record in DeviceNotFoundRecords(missing, selection.MissingUuids, inventory.DriverDeviceCount)) WriteError(record);
            return selection.Devices;
        }

        /// <summary>DeviceIndexNotFound and DeviceUuidNotFound, one for each key that names no device: the same errors from every command.</summary>
        protected static IEnumerable<ErrorRecord> DeviceNotFoundRecords(IEnumerable<int> indexes, IEnumerable<string> uuids, int driverDeviceCount)
        {
            foreach (int missing in indexes)
            {
                yield return NotFound(nameof(Messages.DeviceIndexNotFound), Messages.Format(Messages.DeviceIndexNotFound, missing, driverDeviceCount), missing);
            }

            foreach (string missing in uuids)
            {
                // The same id for a MIG device, which CUDA shows a process only when named in CUDA_VISIBLE_DEVICES (one
                // at most); the message and the remedy say so.
                bool mig = missing.StartsWith("MIG-", StringComparison.Ordinal);
                yield return NotFound(nameof(Messages.DeviceUuidNotFound),
                    Messages.Format(mig ? Messages.MigDeviceNotVisible : Messages.DeviceUuidNotFound, missing), missing,
                    mig ? Messages.Format(Messages.MigDeviceRemedy, missing) : Messages.ListDevicesRemedy);
            }
        }

        private static ErrorRecord NotFound(string errorId, string message, object target, string? remedy = null) =>
            ToErrorRecord(new Failure(errorId, FailureCategory.ObjectNotFound, message, remedy ?? Messages.ListDevicesRemedy), new ItemNotFoundException(message), target);

        /// <summary>An ErrorRecord for an exception the engine knows; null for one it does not (a bug, which should surface as is).</summary>
        protected static ErrorRecord? ToErrorRecord(Exception exception, object? target)
        {
            Failure? failure = FailureClassifier.Classify(exception, RuntimeInformation.IsOSPlatform(OSPlatform.Windows), Environment.GetEnvironmentVariable);
            return failure == null ? null : ToErrorRecord(failure, exception, target);
        }

        protected static ErrorRecord ToErrorRecord(Failure failure, Exception exception, object? target)
        {
            var category = (ErrorCategory)Enum.Parse(typeof(ErrorCategory), failure.Category.ToString());
            var record = new ErrorRecord(exception ?? new InvalidOperationException(failure.Message), failure.ErrorId, category, target)
            {
                ErrorDetails = new ErrorDetails(failure.Message) { RecommendedAction = failure.RecommendedAction },
            };
            return record;
        }

        /// <summary>Writes a non-terminating error (so -ErrorAction Stop makes it terminating) or rethrows an unknown exception.</summary>
        protected void WriteFailure(Exception exception, object? target)
        {
            ErrorRecord? record = ToErrorRecord(exception, target);
            if (record == null) throw exception;
            WriteError(record);
        }

        protected void WriteFailure(string errorId, FailureCategory category, string message, string recommendedAction, object? target)
        {
            WriteError(ToErrorRecord(new Failure(errorId, category, message, recommendedAction), new ItemNotFoundException(message), target));
        }
    }
}
