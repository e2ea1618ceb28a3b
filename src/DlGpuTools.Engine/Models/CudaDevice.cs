using System;

namespace DlGpuTools
{
    /// <summary>
    /// One NVIDIA GPU as the CUDA driver sees it, with NVML's live facts joined in by UUID.
    /// Plain properties of primitive types only, so the object serializes cleanly (JSON, remoting, jobs)
    /// and later cmdlets can bind Index and Uuid from it by property name, also after deserialization.
    /// </summary>
    public sealed class CudaDevice
    {
        /// <summary>The CUDA ordinal (as CUDA_VISIBLE_DEVICES renumbers it), which CUDA programs use.</summary>
        public int Index { get; set; }

        public string? Name { get; set; }

        /// <summary>GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx as nvidia-smi prints it; MIG-... for a MIG device.</summary>
        public string? Uuid { get; set; }

        /// <summary>domain:bus:device.function in NVML's form, e.g. 00000000:01:00.0.</summary>
        public string? PciBusId { get; set; }

        /// <summary>major.minor, e.g. 9.0.</summary>
        public string? ComputeCapability { get; set; }

        public int ComputeCapabilityMajor { get; set; }

        public int ComputeCapabilityMinor { get; set; }

        /// <summary>Maxwell, Pascal, Volta, Turing, Ampere, Ada Lovelace, Hopper, Blackwell…</summary>
        public string? Architecture { get; set; }

        public int MultiprocessorCount { get; set; }

        /// <summary>
        /// Bytes of device memory CUDA can use (cuDeviceTotalMem), what PyTorch's total_memory reports. Less
        /// than the board's memory: the driver reserves some (on an H200, 143156 of 143771 MiB).
        /// </summary>
        public ulong TotalMemory { get; set; }

        /// <summary>The board's memory as NVML reports it, which nvidia-smi prints as memory.total.</summary>
        public ulong? NvmlTotalMemory { get; set; }

        /// <summary>Bytes free now (NVML, or cuMemGetInfo when NVML is absent).</summary>
        public ulong? FreeMemory { get; set; }

        /// <summary>Memory bus width in bits.</summary>
        public int? MemoryBusWidth { get; set; }

        /// <summary>Peak memory clock in MHz.</summary>
        public int? MemoryClockMHz { get; set; }

        /// <summary>Maximum SM (boost) clock in MHz.</summary>
        public int? MaxSmClockMHz { get; set; }

        /// <summary>L2 cache in bytes.</summary>
        public long? L2CacheSize { get; set; }

        /// <summary>Theoretical memory bandwidth in GB/s: 2 × memory clock × bus width / 8 (double data rate).</summary>
        public double? MemoryBandwidthGBps { get; set; }

        /// <summary>The display driver's version, e.g. 580.159.04.</summary>
        public string? DriverVersion { get; set; }

        /// <summary>
        /// The newest CUDA version this driver supports (cuDriverGetVersion), e.g. 13.0. This is what
        /// nvidia-smi prints as "CUDA Version"; it says nothing about which CUDA toolkit is installed.
        /// </summary>
        public string? CudaDriverVersion { get; set; }

        public bool IsIntegrated { get; set; }

        /// <summary>True when NVML answered for this device; the fields below are empty otherwise.</summary>
        public bool NvmlAvailable { get; set; }

        public int? TemperatureC { get; set; }

        public double? PowerDrawW { get; set; }

        public double? PowerLimitW { get; set; }

        public int? GpuUtilizationPercent { get; set; }

        public int? MemoryUtilizationPercent { get; set; }

        public bool? PersistenceMode { get; set; }

        public bool? MigEnabled { get; set; }

        /// <summary>
        /// The MIG devices of this GPU (of its parent GPU, when this device is itself a MIG device), as nvidia-smi -L
        /// lists them; empty where MIG is off. CUDA shows a process one MIG device at most: CudaIndex says which.
        /// </summary>
        public ReadableList<MigDevice> MigDevices { get; set; } = new ReadableList<MigDevice>();

        /// <summary>
        /// The parent GPU's UUID when this CUDA device is a MIG device (Uuid is then its MIG- UUID); empty for a whole GPU.
        /// </summary>
        public string? MigParentUuid { get; set; }

        /// <summary>This MIG device's profile, e.g. 3g.40gb; empty for a whole GPU.</summary>
        public string? MigProfile { get; set; }

        /// <summary>This MIG device's GPU instance id (dcgm-exporter's GPU_I_ID); empty for a whole GPU.</summary>
        public int? GpuInstanceId { get; set; }

        public int? ComputeInstanceId { get; set; }

        public bool? EccEnabled { get; set; }

        public int? PcieGeneration { get; set; }

        public int? PcieMaxGeneration { get; set; }

        public int? PcieLinkWidth { get; set; }

        public int? PcieMaxLinkWidth { get; set; }

        /// <summary>Compute processes on the device now, with the memory each uses.</summary>
        public ReadableList<GpuProcess> Processes { get; set; } = new ReadableList<GpuProcess>();

        /// <summary>The CUDA driver library this object came from.</summary>
        public string? DriverLibraryPath { get; set; }

        /// <summary>The NVML library used, if any.</summary>
        public string? NvmlLibraryPath { get; set; }

        public override string ToString() => $"GPU {Index}: {Name} ({Uuid})";
    }
}
