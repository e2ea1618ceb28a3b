using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The base of every DlGpuTools cmdlet: turns engine and native exceptions into ErrorRecords in one
    /// place, so every command reports a failure with the same ErrorId, category and remedy.
    /// </summary>
    public abstract class DlGpuCmdlet : PSCmdlet
    {
        /// <summary>An ErrorRecord for an exception the engine knows; null for one it does not (a bug, which should surface as is).</summary>
        protected static ErrorRecord ToErrorRecord(Exception exception, object target)
        {
            Failure failure = FailureClassifier.Classify(exception, RuntimeInformation.IsOSPlatform(OSPlatform.Windows), Environment.GetEnvironmentVariable);
            return failure == null ? null : ToErrorRecord(failure, exception, target);
        }

        protected static ErrorRecord ToErrorRecord(Failure failure, Exception exception, object target)
        {
            var category = (ErrorCategory)Enum.Parse(typeof(ErrorCategory), failure.Category.ToString());
            var record = new ErrorRecord(exception ?? new InvalidOperationException(failure.Message), failure.ErrorId, category, target)
            {
                ErrorDetails = new ErrorDetails(failure.Message) { RecommendedAction = failure.RecommendedAction },
            };
            return record;
        }

        /// <summary>Writes a non-terminating error (so -ErrorAction Stop makes it terminating) or rethrows an unknown exception.</summary>
        protected void WriteFailure(Exception exception, object target)
        {
            ErrorRecord record = ToErrorRecord(exception, target);
            if (record == null) throw exception;
            WriteError(record);
        }

        protected void WriteFailure(string errorId, FailureCategory category, string message, string recommendedAction, object target)
        {
            WriteError(ToErrorRecord(new Failure(errorId, category, message, recommendedAction), new ItemNotFoundException(message), target));
        }
    }
}
