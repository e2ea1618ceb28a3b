namespace DlGpuTools.Errors
{
    /// <summary>One row of <see cref="ErrorCatalogue"/>: a stable error id and what it means for the user.</summary>
    public sealed class ErrorEntry
    {
        internal ErrorEntry(string id, FailureCategory category, ErrorSeverity severity, string meaning, string remedy)
        {
            Id = id;
            Category = category;
            Severity = severity;
            Meaning = meaning;
            Remedy = remedy;
        }

        /// <summary>Stable across releases; scripts match on it (FullyQualifiedErrorId starts with it).</summary>
        public string Id { get; }

        /// <summary>The usual category; a native status may name a closer one (<see cref="ErrorMeaning"/>).</summary>
        public FailureCategory Category { get; }

        public ErrorSeverity Severity { get; }

        /// <summary>What the error says has happened, in one line.</summary>
        public string Meaning { get; }

        /// <summary>The next step when nothing more specific is known; an exception may carry a more specific one.</summary>
        public string Remedy { get; }

        public override string ToString() => Id;
    }
}
