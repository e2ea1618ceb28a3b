using System;
using DlGpuTools.Bandwidth;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>A reading that also fills figures of the GPU's report (throughput, clocks, memory tested).</summary>
    internal interface IGpuFigures
    {
        void CopyTo(GpuHealth health);
    }

    /// <summary>One GPU's GEMM stress and what NVML sampled beside it.</summary>
    internal sealed class StressReading : IGpuFigures
    {
        public StressReading(StressOutcome outcome, LoadFigures? load)
        {
            Outcome = outcome;
            Load = load;
        }

        public StressOutcome Outcome { get; }

        /// <summary>NVML's samples during the stress; null where the load watch could not start.</summary>
        public LoadFigures? Load { get; }

        public void CopyTo(GpuHealth health)
        {
            StressOutcome o = Outcome;
            health.StressDataType = string.IsNullOrEmpty(o.DataType) ? null : o.DataType;
            health.StressTflops = o.Tflops is double t ? Math.Round(t, 1) : (double?)null;
            health.StressPercentOfPeak = o.Tflops is double tf && o.PeakTflops is double p && p > 0 ? Math.Round(100 * tf / p,
                1) : (double?)null;
            health.SmClockMHz = Load?.MedianSmClockMHz;
            health.PowerW = Load?.MedianPowerW;
            health.MaxTemperatureC = Load?.MaxTemperatureC;
        }
    }

    /// <summary>One GPU's screening copies: the device copy and the pinned host-to-device copy, each a result or a failure.</summary>
    internal sealed class LinkReading
    {
        public BandwidthResult? Copy { get; set; }

        public Exception? CopyFailure { get; set; }

        public BandwidthResult? HostToDevice { get; set; }

        public Exception? HostToDeviceFailure { get; set; }
    }

    /// <summary>One GPU's memory pattern test and what NVML sampled beside it.</summary>
    internal sealed class MemoryReading : IGpuFigures
    {
        public MemoryReading(MemoryTestOutcome outcome, LoadFigures? load)
        {
            Outcome = outcome;
            Load = load;
        }

        public MemoryTestOutcome Outcome { get; }

        public LoadFigures? Load { get; }

        public void CopyTo(GpuHealth health) =>
            health.MemoryTestedGiB = Outcome.TestedBytes > 0 ? Math.Round(Outcome.TestedBytes / 1073741824.0, 1) : (double?)null;
    }
}
