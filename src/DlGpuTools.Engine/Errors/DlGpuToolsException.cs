using System;

namespace DlGpuTools.Errors
{
    /// <summary>
    /// An engine failure that describes itself for the user: its stable error id, its category and how to fix it,
    /// so FailureClassifier needs one case for all of them instead of one per feature. New features derive from it.
    /// </summary>
    public abstract class DlGpuToolsException : Exception
    {
        protected DlGpuToolsException(string errorId, FailureCategory category, string message, string remedy)
            : base(message)
        {
            ErrorId = errorId;
            Category = category;
            Remedy = remedy;
        }

        /// <summary>Stable across releases; scripts match on it.</summary>
        public string ErrorId { get; }

        public FailureCategory Category { get; }

        public string Remedy { get; }
    }
}
