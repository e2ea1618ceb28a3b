namespace DlGpuTools.Benchmarks
{
    /// <summary>Where a measurement is, for progress display.</summary>
    public sealed class MatMulProgress
    {
        public MatMulProgress(string phase, int done, int total)
        {
            Phase = phase;
            Done = done;
            Total = total;
        }

        public string Phase { get; }

        public int Done { get; }

        public int Total { get; }
    }
}
