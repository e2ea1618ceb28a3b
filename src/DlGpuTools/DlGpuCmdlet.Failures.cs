using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The one way from an engine failure to an ErrorRecord: its ErrorId, category, ErrorDetails (message and
    /// RecommendedAction), severity and target, so every command reports a failure alike and no command builds a record by
    /// hand.
    /// An exception the engine does not describe is a bug: it surfaces as itself, never dressed as the user's mistake.
    /// </summary>
    public abstract partial class DlGpuCmdlet
    {
        /// <summary>The key of the failure's <see cref="ErrorSeverity"/> name in the record's Exception.Data.</summary>
        public const string SeverityKey = "Severity";

        /// <summary>True for exceptions the engine describes (native, driver and benchmark failures); others are bugs and surface as they
        /// are.</summary>
        protected static bool IsKnownFailure(Exception e) => Describe(e) != null;

        /// <summary>An ErrorRecord for an exception the engine describes; null for one it does not (a bug, which should surface as
        /// is).</summary>
        protected static ErrorRecord? ToErrorRecord(Exception exception, object? target) => ToErrorRecord(exception, target, null);

        /// <summary>Writes a non-terminating error (so -ErrorAction Stop makes it terminating) or rethrows an exception the engine does
        /// not describe.</summary>
        protected void WriteFailure(Exception exception, object? target) => WriteError(KnownRecord(exception, target, null));

        /// <summary>Stops the command with the failure as its terminating error; an exception the engine does not describe is rethrown as
        /// it is.</summary>
        protected void ThrowFailure(Exception exception, object? target)
        {
            CompleteProgress();
            ThrowTerminatingError(KnownRecord(exception, target, null));
        }

        /// <summary>The failure's message for the user (what was searched, what was found), for -Quiet's warning.</summary>
        protected static string FailureMessage(Exception exception) => Describe(exception)?.Message ?? exception.Message;

        /// <summary>As <see cref="WriteFailure(Exception, object?)"/>, under another ErrorId (a device's own query failure, whatever call
        /// failed).</summary>
        private protected void WriteFailure(Exception exception, object? target, ErrorEntry entry) => WriteError(KnownRecord(exception,
            target, entry ?? throw new ArgumentNullException(nameof(entry))));

        private static ErrorRecord KnownRecord(Exception exception, object? target, ErrorEntry? entry)
        {
            ErrorRecord? record = ToErrorRecord(exception, target, entry);
            if (record != null) return record;
            // Rethrown with its own stack: a bug must read as the bug it is.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception).Throw();
            throw exception; // not reached: Throw() always throws, which the compiler cannot see
        }

        private static Failure? Describe(Exception exception) =>
            FailureClassifier.Classify(exception, RuntimeInformation.IsOSPlatform(OSPlatform.Windows), Environment.GetEnvironmentVariable);

        private static ErrorRecord? ToErrorRecord(Exception exception, object? target, ErrorEntry? entry)
        {
            if (exception == null) throw new ArgumentNullException(nameof(exception));
            Failure? failure = Describe(exception);
            if (failure == null) return null;
            // FailureCategory spells ErrorCategory's names, so the conversion is by name.
            var category = (ErrorCategory)Enum.Parse(typeof(ErrorCategory), failure.Category.ToString());
            // ErrorRecord has no field for what the failure asks of the reader; the exception's Data travels with the record
            // through -ErrorAction Stop, $Error, remoting and Get-Error (which lists it), so scripts read it there by name.
            ErrorSeverity? severity = entry?.Severity ?? failure.Severity;
            if (severity != null) exception.Data[SeverityKey] = severity.Value.ToString();
            return new ErrorRecord(exception, entry?.Id ?? failure.ErrorId, category, target)
            {
                ErrorDetails = new ErrorDetails(failure.Message) { RecommendedAction = failure.RecommendedAction },
            };
        }
    }
}
