namespace DlGpuTools.Monitoring
{
    /// <summary>One reading of a GPU by the job sampler: when (seconds since the job started) and what NVML said then.</summary>
    internal readonly struct JobReading
    {
        public JobReading(double seconds, int? utilizationPercent, ulong? memoryUsed, double? powerW)
        {
            Seconds = seconds;
            UtilizationPercent = utilizationPercent;
            MemoryUsed = memoryUsed;
            PowerW = powerW;
        }

        public double Seconds { get; }

        public int? UtilizationPercent { get; }

        public ulong? MemoryUsed { get; }

        public double? PowerW { get; }
    }
}
