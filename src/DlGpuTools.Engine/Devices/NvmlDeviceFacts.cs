using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// NVML's view of the machine's GPUs, indexed by UUID and PCI bus id so CUDA devices can find
    /// theirs. NVML numbers every GPU on the machine and ignores CUDA_VISIBLE_DEVICES, so its index is
    /// never used to match.
    /// </summary>
    internal sealed class NvmlDeviceFacts
    {
        private readonly Nvml _nvml;
        private readonly Dictionary<string, IntPtr> _byUuid = new Dictionary<string, IntPtr>(StringComparer.Ordinal);
        private readonly Dictionary<string, IntPtr> _byPci = new Dictionary<string, IntPtr>(StringComparer.Ordinal);

        private NvmlDeviceFacts(Nvml nvml)
        {
            _nvml = nvml;
        }

        public string? DriverVersion { get; private set; }

        public static NvmlDeviceFacts Read(Nvml nvml, List<string> warnings)
        {
            var facts = new NvmlDeviceFacts(nvml);
            if (nvml.nvmlSystemGetDriverVersion(out string? driver) == NvmlReturn.NVML_SUCCESS) facts.DriverVersion = driver;
            NvmlReturn r = nvml.nvmlDeviceGetCount(out uint count);
            if (r != NvmlReturn.NVML_SUCCESS)
            {
                warnings.Add($"NVML could not count devices ({NvmlException.NameOf(r)}: {nvml.ErrorString(r)}); NVML facts are empty.");
                return facts;
            }

            for (uint i = 0; i < count; i++)
            {
                // A GPU NVML cannot open (lost, no permission) is skipped; CUDA still reports it.
                if (nvml.nvmlDeviceGetHandleByIndex(i, out IntPtr handle) != NvmlReturn.NVML_SUCCESS) continue;
                if (nvml.nvmlDeviceGetUUID(handle, out string? uuid) == NvmlReturn.NVML_SUCCESS && DeviceIdentity.NormalizeUuid(uuid) is string uuidKey)
                    facts._byUuid[uuidKey] = handle;
                if (nvml.nvmlDeviceGetPciInfo(handle, out string? bus) == NvmlReturn.NVML_SUCCESS && DeviceIdentity.NormalizePciBusId(bus) is string busKey)
                    facts._byPci[busKey] = handle;
            }

            return facts;
        }

        public bool TryFind(string? uuid, string? pciBusId, out IntPtr handle)
        {
            handle = IntPtr.Zero;
            return (uuid != null && _byUuid.TryGetValue(uuid, out handle)) || (pciBusId != null && _byPci.TryGetValue(pciBusId, out handle));
        }

        /// <summary>Fills the NVML fields. Each is optional: a field the GPU does not support stays empty.</summary>
        public void Fill(CudaDevice device, IntPtr handle)
        {
            device.NvmlAvailable = true;
            if (_nvml.nvmlDeviceGetTemperature(handle, out uint temperature) == NvmlReturn.NVML_SUCCESS) device.TemperatureC = (int)temperature;
            if (_nvml.DeviceGetUInt("nvmlDeviceGetPowerUsage", handle, out uint milliwatts) == NvmlReturn.NVML_SUCCESS) device.PowerDrawW = Math.Round(milliwatts / 1000.0, 1);
            if (_nvml.DeviceGetUInt("nvmlDeviceGetEnforcedPowerLimit", handle, out uint limit) == NvmlReturn.NVML_SUCCESS) device.PowerLimitW = Math.Round(limit / 1000.0, 1);
            if (_nvml.nvmlDeviceGetUtilizationRates(handle, out NvmlUtilization utilization) == NvmlReturn.NVML_SUCCESS)
            {
                device.GpuUtilizationPercent = (int)utilization.Gpu;
                device.MemoryUtilizationPercent = (int)utilization.Memory;
            }

            if (_nvml.DeviceGetUInt("nvmlDeviceGetPersistenceMode", handle, out uint persistence) == NvmlReturn.NVML_SUCCESS) device.PersistenceMode = persistence != 0;
            if (_nvml.DeviceGetCurrentAndPending("nvmlDeviceGetMigMode", handle, out uint mig, out _) == NvmlReturn.NVML_SUCCESS) device.MigEnabled = mig != 0;
            if (_nvml.DeviceGetCurrentAndPending("nvmlDeviceGetEccMode", handle, out uint ecc, out _) == NvmlReturn.NVML_SUCCESS) device.EccEnabled = ecc != 0;
            device.PcieGeneration = ReadUInt("nvmlDeviceGetCurrPcieLinkGeneration", handle);
            device.PcieMaxGeneration = ReadUInt("nvmlDeviceGetMaxPcieLinkGeneration", handle);
            device.PcieLinkWidth = ReadUInt("nvmlDeviceGetCurrPcieLinkWidth", handle);
            device.PcieMaxLinkWidth = ReadUInt("nvmlDeviceGetMaxPcieLinkWidth", handle);
            if (_nvml.nvmlDeviceGetMemoryInfo(handle, out NvmlMemory memory) == NvmlReturn.NVML_SUCCESS)
            {
                device.FreeMemory = memory.Free;
                device.NvmlTotalMemory = memory.Total;
            }

            if (device.MaxSmClockMHz == null && _nvml.nvmlDeviceGetMaxClockInfo(handle, NvmlClockType.NVML_CLOCK_SM, out uint sm) == NvmlReturn.NVML_SUCCESS && sm > 0) device.MaxSmClockMHz = (int)sm;
            if (device.MemoryClockMHz == null && _nvml.nvmlDeviceGetMaxClockInfo(handle, NvmlClockType.NVML_CLOCK_MEM, out uint mem) == NvmlReturn.NVML_SUCCESS && mem > 0) device.MemoryClockMHz = (int)mem;
            if (_nvml.nvmlDeviceGetComputeRunningProcesses(handle, out NvmlProcessInfo[] processes) == NvmlReturn.NVML_SUCCESS)
            {
                device.Processes = new ReadableList<GpuProcess>(processes.Select(p => new GpuProcess
                {
                    ProcessId = (int)p.Pid,
                    ProcessName = HostFacts.ProcessName((int)p.Pid),
                    // NVML_VALUE_NOT_AVAILABLE (all ones) under WDDM, where the OS owns device memory.
                    UsedMemory = p.UsedGpuMemory == ulong.MaxValue ? (ulong?)null : p.UsedGpuMemory,
                }));
            }
        }

        private int? ReadUInt(string function, IntPtr handle) =>
            _nvml.DeviceGetUInt(function, handle, out uint value) == NvmlReturn.NVML_SUCCESS && value != Nvml.ValueNotAvailable ? (int?)value : null;
    }
}
