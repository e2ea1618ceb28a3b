namespace DlGpuTools.Errors
{
    /// <summary>A failure described for a user: a stable id, a category, what happened and how to fix it.</summary>
    public sealed class Failure
    {
        /// <summary>A failure with one of <see cref="ErrorCatalogue"/>'s ids; its severity is the entry's (null for another id).</summary>
        public Failure(string errorId, FailureCategory category, string message, string recommendedAction)
        {
            ErrorId = errorId;
            Category = category;
            Message = message;
            RecommendedAction = recommendedAction;
            Severity = ErrorCatalogue.Find(errorId)?.Severity;
        }

        public Failure(ErrorEntry entry, FailureCategory category, string message, string recommendedAction)
            : this(entry.Id, category, message, recommendedAction)
        {
            Severity = entry.Severity;
        }

        /// <summary>Stable across releases; scripts match on it (FullyQualifiedErrorId starts with it).</summary>
        public string ErrorId { get; }

        public FailureCategory Category { get; }

        public ErrorSeverity? Severity { get; }

        public string Message { get; }

        public string RecommendedAction { get; }
    }
}
