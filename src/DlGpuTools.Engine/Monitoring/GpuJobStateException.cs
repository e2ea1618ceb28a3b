using System;
using DlGpuTools.Errors;

namespace DlGpuTools.Monitoring
{
    /// <summary>What went wrong with a job's state file between Start-GpuJob and Stop-GpuJob, with its error id and remedy.</summary>
    public sealed class GpuJobStateException : DlGpuToolsException
    {
        /// <summary>
        /// For GpuJobStateFolderUnsafe (the state folder is not a private folder of this user: a link, another owner, open to
        /// others), GpuJobNotStarted (no state file for the name: Start-GpuJob did not run, ran as another user or with
        /// another -StateFolder) or GpuJobStateInvalid (the state file is not one Start-GpuJob wrote).
        /// </summary>
        public GpuJobStateException(ErrorEntry entry, string message, string remedy, Exception? innerException = null)
            : base(entry, message, remedy, innerException)
        {
        }

        /// <summary>Whether the failure is a missing thing (ObjectNotFound) rather than an unsafe or damaged one.</summary>
        public bool NotFound => Category == FailureCategory.ObjectNotFound;
    }
}
