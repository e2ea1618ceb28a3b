namespace DlGpuTools.Errors
{
    /// <summary>A failure described for a user: a stable id, a category, what happened and how to fix it.</summary>
    public sealed class Failure
    {
        public Failure(string errorId, FailureCategory category, string message, string recommendedAction)
        {
            ErrorId = errorId;
            Category = category;
            Message = message;
            RecommendedAction = recommendedAction;
        }

        /// <summary>Stable across releases; scripts match on it (FullyQualifiedErrorId starts with it).</summary>
        public string ErrorId { get; }

        public FailureCategory Category { get; }

        public string Message { get; }

        public string RecommendedAction { get; }
    }
}
