using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Monitoring
{
    /// <summary>The arithmetic of a job summary: readings to mean and peak, power to energy, accounting rows to the job's share.</summary>
    internal static class JobMath
    {
        /// <summary>Mean and peak utilization and the fullest memory of the readings that have them.</summary>
        public static void ApplyReadings(GpuJobSummary summary, IReadOnlyList<JobReading> readings)
        {
            summary.SampleCount = readings.Count;
            // filtered on HasValue
            int[] utilization = readings.Where(r => r.UtilizationPercent.HasValue).Select(r => r.UtilizationPercent!.Value).ToArray();
            if (utilization.Length > 0)
            {
                summary.MeanUtilizationPercent = Math.Round(utilization.Average(), 1);
                summary.PeakUtilizationPercent = utilization.Max();
            }

            ulong[] memory = readings.Where(r => r.MemoryUsed.HasValue).Select(r => r.MemoryUsed!.Value).ToArray(); // filtered on HasValue
            if (memory.Length > 0) summary.PeakMemoryUsed = memory.Max();
        }

        /// <summary>
        /// Joules from power readings by the trapezoid rule between consecutive readings that have power; null with
        /// fewer than two. Power held flat before the first and after the last reading would be a guess, so the span
        /// covered is the readings' own (the sampler reads at the job's start and at its end).
        /// </summary>
        public static double? IntegratePower(IReadOnlyList<JobReading> readings)
        {
            JobReading[] withPower = readings.Where(r => r.PowerW.HasValue).OrderBy(r => r.Seconds).ToArray();
            if (withPower.Length < 2) return null;
            double joules = 0;
            for (int i = 1; i < withPower.Length; i++)
            {
                double dt = withPower[i].Seconds - withPower[i - 1].Seconds;
                joules += dt * (withPower[i].PowerW!.Value + withPower[i - 1].PowerW!.Value) / 2; // both filtered on HasValue
            }

            return joules;
        }

        /// <summary>Joules from two readings of NVML's energy counter (mJ); null when either is missing or the counter went back (the
        /// driver reloaded).</summary>
        public static double? EnergyFromCounter(ulong? startMillijoules, ulong? endMillijoules)
        {
            if (!startMillijoules.HasValue || !endMillijoules.HasValue || endMillijoules.Value < startMillijoules.Value) return null;
            return (endMillijoules.Value - startMillijoules.Value) / 1000.0;
        }

        /// <summary>Sets the energy and the mean power over the summary's duration.</summary>
        public static void ApplyEnergy(GpuJobSummary summary, double? joules)
        {
            summary.EnergyJ = joules.HasValue ? Math.Round(joules.Value, 1) : (double?)null;
            summary.MeanPowerW = joules.HasValue && summary.DurationSeconds > 0
                ? Math.Round(joules.Value / summary.DurationSeconds, 1) : (double?)null;
        }

        /// <summary>
        /// The job's share of NVML accounting: the processes that started between <paramref name="start"/> and
        /// <paramref name="end"/>; their utilization averaged over their lifetimes (weighted by how long each ran: its
        /// active time once ended, the time since its start while it runs) and the most memory one of them held.
        /// Returns how many processes were counted.
        /// </summary>
        public static int ApplyAccounting(GpuJobSummary summary, IEnumerable<AccountedProcess> processes,
            DateTimeOffset start, DateTimeOffset end)
        {
            AccountedProcess[] mine = processes.Where(p => p.StartTime >= start && p.StartTime <= end).ToArray();
            summary.ProcessCount = mine.Length;
            double weighted = 0, weights = 0;
            foreach (AccountedProcess p in mine.Where(p => p.UtilizationPercent.HasValue))
            {
                double seconds = p.ActiveTime?.TotalSeconds ?? Math.Max(0, (end - p.StartTime).TotalSeconds);
                weighted += p.UtilizationPercent!.Value * seconds; // filtered on HasValue
                weights += seconds;
            }

            if (weights > 0) summary.MeanUtilizationPercent = Math.Round(weighted / weights, 1);
            else if (mine.Any(p => p.UtilizationPercent.HasValue))
                summary.MeanUtilizationPercent = Math.Round(mine.Where(p => p.UtilizationPercent.HasValue)
                    .Average(p => p.UtilizationPercent!.Value), 1);
            // filtered on HasValue
            ulong[] memory = mine.Where(p => p.MaxMemoryUsed.HasValue).Select(p => p.MaxMemoryUsed!.Value).ToArray();
            if (memory.Length > 0) summary.PeakMemoryUsed = memory.Max();
            return mine.Length;
        }
    }
}
