using System;

namespace DlGpuTools
{
    /// <summary>
    /// One GPU at one moment, read from NVML without a CUDA context. Instant readings (utilization, memory, power,
    /// temperature, clocks, PCIe throughput, ECC) come from NVML's classic counters; the Gpm* properties and the
    /// NVLink rates are averages over the <see cref="IntervalSeconds"/> before <see cref="Timestamp"/>, from two
    /// GPM samples (Hopper and newer) and two NVLink counter readings. <see cref="Source"/> says which were read.
    /// </summary>
    public sealed class GpuSample
    {
        public DateTimeOffset Timestamp { get; set; }

        /// <summary>Seconds covered by the interval figures (GPM, NVLink): the time since this GPU's previous reading.</summary>
        public double IntervalSeconds { get; set; }

        public string? ComputerName { get; set; }

        /// <summary>The CUDA device ordinal (the one Get-CudaDevice shows), not NVML's own index.</summary>
        public int Index { get; set; }

        public string? Name { get; set; }

        public string? Uuid { get; set; }

        public string? PciBusId { get; set; }

        /// <summary>The MIG device this sample is of (Uuid is then its GPU's); empty for a whole GPU.</summary>
        public string? MigUuid { get; set; }

        /// <summary>The MIG device's profile, e.g. 3g.40gb: dcgm-exporter's GPU_I_PROFILE label.</summary>
        public string? MigProfile { get; set; }

        /// <summary>The MIG device's GPU instance id: dcgm-exporter's GPU_I_ID label.</summary>
        public int? GpuInstanceId { get; set; }

        /// <summary>The /dev/nvidiaN number (NVML minor number), used for dcgm-exporter's "device" label.</summary>
        public int? MinorNumber { get; set; }

        /// <summary>
        /// Which counters gave this sample's figures, e.g. "NVML classic + GPM" or "NVML classic (GPM: not supported on this GPU)".
        /// </summary>
        public string? Source { get; set; }

        /// <summary>
        /// Percent of time a kernel was running (nvmlDeviceGetUtilizationRates): not how busy the SMs were; see GpmSmActivityPercent.
        /// </summary>
        public int? GpuUtilizationPercent { get; set; }

        /// <summary>Percent of time device memory was read or written.</summary>
        public int? MemoryUtilizationPercent { get; set; }

        public ulong? MemoryUsed { get; set; }

        public ulong? MemoryTotal { get; set; }

        public ulong? MemoryFree { get; set; }

        public double? PowerW { get; set; }

        public double? PowerLimitW { get; set; }

        /// <summary>
        /// The board's energy counter: millijoules since the driver loaded (nvmlDeviceGetTotalEnergyConsumption, Volta and
        /// newer; empty on older GPUs). It moves when the driver samples power, so subtract two samples' values over a
        /// window of seconds, not milliseconds. dcgm-exporter's DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, in the same unit.
        /// </summary>
        public ulong? TotalEnergyMillijoules { get; set; }

        public int? TemperatureC { get; set; }

        public int? SmClockMHz { get; set; }

        public int? MemoryClockMHz { get; set; }

        /// <summary>
        /// Why clocks are below their maximum now (nvmlDeviceGetCurrentClocksEventReasons), by name; empty when nothing holds them back.
        /// </summary>
        public ReadableList<string> ClockEventReasons { get; set; } = new ReadableList<string>();

        public ulong? ClockEventReasonMask { get; set; }

        /// <summary>PCIe traffic into the GPU, bytes per second (NVML: KB/s over its last 20 ms).</summary>
        public double? PcieRxBytesPerSecond { get; set; }

        public double? PcieTxBytesPerSecond { get; set; }

        /// <summary>Active NVLink links; empty where the GPU has none.</summary>
        public int? NvLinkCount { get; set; }

        /// <summary>NVLink payload received per second over the interval, all links; empty without links or on the first reading.</summary>
        public double? NvLinkRxBytesPerSecond { get; set; }

        public double? NvLinkTxBytesPerSecond { get; set; }

        /// <summary>Corrected (single-bit) ECC errors since the driver loaded.</summary>
        public ulong? EccCorrectedVolatile { get; set; }

        /// <summary>Uncorrected (double-bit) ECC errors since the driver loaded.</summary>
        public ulong? EccUncorrectedVolatile { get; set; }

        /// <summary>Corrected ECC errors over the GPU's life (InfoROM).</summary>
        public ulong? EccCorrectedAggregate { get; set; }

        public ulong? EccUncorrectedAggregate { get; set; }

        /// <summary>GPM: percent of SMs busy (at least one warp resident), averaged over the interval.</summary>
        public double? GpmSmActivityPercent { get; set; }

        /// <summary>GPM: resident warps as a percent of the SMs' maximum.</summary>
        public double? GpmSmOccupancyPercent { get; set; }

        /// <summary>GPM: percent of time the SMs ran any tensor-core instruction.</summary>
        public double? GpmTensorActivityPercent { get; set; }

        /// <summary>GPM: percent of time the SMs ran HMMA (FP16/BF16/TF32) tensor instructions.</summary>
        public double? GpmTensorHmmaActivityPercent { get; set; }

        /// <summary>GPM: DRAM bandwidth used as a percent of the theoretical maximum.</summary>
        public double? GpmDramBandwidthPercent { get; set; }

        public double? GpmFp16ActivityPercent { get; set; }

        public double? GpmFp32ActivityPercent { get; set; }

        public double? GpmFp64ActivityPercent { get; set; }

        public override string ToString() => $"GPU {Index} at {Timestamp:u}";
    }
}
