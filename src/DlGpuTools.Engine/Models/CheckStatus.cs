namespace DlGpuTools
{
    /// <summary>How a check ended; the order is severity (the verdict is the worst).</summary>
    public enum CheckStatus
    {
        Passed,
        Skipped,
        Warning,
        Failed,
    }
}
