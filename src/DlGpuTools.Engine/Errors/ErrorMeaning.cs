namespace DlGpuTools.Errors
{
    /// <summary>
    /// What one native status code (a CUresult, an nvmlReturn_t, a cublasStatus_t, an ncclResult_t) means for the
    /// user: its catalogue entry, the category (which some codes make closer than the entry's), and the next step.
    /// </summary>
    internal sealed class ErrorMeaning
    {
        public ErrorMeaning(ErrorEntry entry, string remedy)
            : this(entry, entry.Category, remedy)
        {
        }

        public ErrorMeaning(ErrorEntry entry, FailureCategory category, string remedy)
        {
            Entry = entry;
            Category = category;
            Remedy = remedy;
        }

        public ErrorEntry Entry { get; }

        public FailureCategory Category { get; }

        public string Remedy { get; }
    }
}
