namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// One GPU's energy readings: the seam between <see cref="EnergyBracket"/>'s arithmetic and NVML, so the bracket's
    /// handling of counters that stall, go back or are missing is tested in-process with scripted readings.
    /// </summary>
    internal interface IEnergySensor
    {
        /// <summary>The GPU's CUDA index, for the measurement and its messages.</summary>
        int Index { get; }

        /// <summary>The total-energy counter in millijoules; false with the reason where the GPU or driver has none.</summary>
        bool TryReadCounter(out ulong millijoules, out string? unavailable);

        /// <summary>The board power in milliwatts; false with the reason where it cannot be read.</summary>
        bool TryReadPower(out uint milliwatts, out string? unavailable);
    }
}
