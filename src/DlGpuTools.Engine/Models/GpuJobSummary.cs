using System;

namespace DlGpuTools
{
    /// <summary>
    /// What one GPU did during a job (Measure-GpuJob, or Start-GpuJob then Stop-GpuJob): how long, the most memory
    /// used, mean and peak utilization, energy and mean power. <see cref="Method"/> and <see cref="Detail"/> say how
    /// each figure was measured, and why a figure is empty.
    /// </summary>
    public sealed class GpuJobSummary
    {
        /// <summary>The job's name (Start-GpuJob -Name, a Slurm job id for instance); empty for Measure-GpuJob.</summary>
        public string? Name { get; set; }

        public string? ComputerName { get; set; }

        /// <summary>The CUDA device ordinal when the job started.</summary>
        public int Index { get; set; }

        public string? Uuid { get; set; }

        public string? GpuName { get; set; }

        public DateTimeOffset StartTime { get; set; }

        public DateTimeOffset EndTime { get; set; }

        public double DurationSeconds { get; set; }

        /// <summary>
        /// Bytes: with sampling, the GPU's memory in use at the fullest reading (every process, the job's or not);
        /// from accounting, the most that one of the job's processes ever held.
        /// </summary>
        public ulong? PeakMemoryUsed { get; set; }

        /// <summary>
        /// Percent of time a kernel ran: the mean of the readings, or of the job's processes over their lifetimes (accounting).
        /// </summary>
        public double? MeanUtilizationPercent { get; set; }

        /// <summary>The highest utilization reading; empty from accounting, which keeps only each process's mean.</summary>
        public int? PeakUtilizationPercent { get; set; }

        /// <summary>Joules the GPU used over the job: the energy counter's growth, else sampled power integrated over time.</summary>
        public double? EnergyJ { get; set; }

        /// <summary>Energy over duration, in W.</summary>
        public double? MeanPowerW { get; set; }

        /// <summary>Compute processes NVML accounting holds that started during the job; empty without accounting mode.</summary>
        public int? ProcessCount { get; set; }

        /// <summary>Readings taken by the sampler; 0 for Start-GpuJob/Stop-GpuJob, which run no sampler.</summary>
        public int SampleCount { get; set; }

        /// <summary>A JobMethod name: Sampled (Measure-GpuJob), Accounting (NVML accounting mode was on), Counters (neither: duration and
        /// energy only).</summary>
        public string Method { get; set; } = nameof(Monitoring.JobMethod.Counters);

        /// <summary>How the figures were measured, and what is missing and why.</summary>
        public string? Detail { get; set; }

        public override string ToString() => $"{Name ?? "job"} on GPU {Index}: {DurationSeconds:0.#} s";
    }
}
