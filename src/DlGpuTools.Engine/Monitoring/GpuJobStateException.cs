using DlGpuTools.Errors;

namespace DlGpuTools.Monitoring
{
    /// <summary>What went wrong with a job's state file between Start-GpuJob and Stop-GpuJob, with its error id and remedy.</summary>
    public sealed class GpuJobStateException : DlGpuToolsException
    {
        /// <summary>The state folder is not a private folder of this user (a link, another owner, open to others).</summary>
        public const string StateFolderUnsafe = nameof(ErrorCatalogue.GpuJobStateFolderUnsafe);

        /// <summary>No state file for the name: Start-GpuJob did not run, ran as another user or with another -StateFolder.</summary>
        public const string NotStarted = nameof(ErrorCatalogue.GpuJobNotStarted);

        /// <summary>The state file is not one Start-GpuJob wrote (damaged, planted, another format).</summary>
        public const string StateInvalid = nameof(ErrorCatalogue.GpuJobStateInvalid);

        public GpuJobStateException(string errorId, string message, string remedy)
            : base(ErrorCatalogue.Get(errorId), message, remedy)
        {
        }

        /// <summary>Whether the failure is a missing thing (ObjectNotFound) rather than an unsafe or damaged one.</summary>
        public bool NotFound => Category == FailureCategory.ObjectNotFound;
    }
}
