namespace DlGpuTools.Monitoring
{
    /// <summary>How an energy figure was measured.</summary>
    internal enum EnergyMethod
    {
        /// <summary>NVML's total-energy counter read before and after the work (Volta and newer).</summary>
        EnergyCounter,

        /// <summary>Board power read at short intervals during the work and integrated over time (GPUs without the counter).</summary>
        SampledPower,
    }
}
