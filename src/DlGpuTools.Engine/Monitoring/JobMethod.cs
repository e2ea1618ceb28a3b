namespace DlGpuTools.Monitoring
{
    /// <summary>Where a <see cref="GpuJobSummary"/>'s utilization and memory figures came from.</summary>
    internal enum JobMethod
    {
        /// <summary>A sampler read the GPU at a fixed interval while the job ran (Measure-GpuJob).</summary>
        Sampled,

        /// <summary>
        /// NVML accounting mode was on: the driver's per-process lifetime figures of the processes that started in the job.
        /// </summary>
        Accounting,

        /// <summary>No sampler and no accounting mode: duration and the energy counter only.</summary>
        Counters,
    }
}
