namespace DlGpuTools
{
    /// <summary>How much work Test-GpuHealth does beyond reading NVML.</summary>
    public enum HealthLevel
    {
        /// <summary>NVML and the driver only: about a second, safe beside running jobs.</summary>
        Quick,

        /// <summary>
        /// Quick, plus the GEMM stress on every GPU at once, clocks and power under load, and a short bandwidth and
        /// host-link check.
        /// </summary>
        Standard,

        /// <summary>Standard, plus a pattern test of most of each GPU's free memory.</summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
            Justification = "The level names are the -Level values users type (Quick, Standard, Long), as DCGM names its run levels.")]
        Long,
    }
}
