using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// NVML's view of the machine's GPUs, indexed by UUID and PCI bus id so CUDA devices can find
    /// theirs. NVML numbers every GPU on the machine and ignores CUDA_VISIBLE_DEVICES, so its index is
    /// never used to match. A GPU in MIG mode also lists its MIG devices, found by their MIG- UUID: a CUDA device
    /// that is a MIG device (CUDA_VISIBLE_DEVICES=MIG-...) joins its MIG handle, never its parent by PCI bus id.
    /// </summary>
    internal sealed class NvmlDeviceFacts
    {
        private readonly Nvml _nvml;
        private readonly Dictionary<string, IntPtr> _byUuid = new Dictionary<string, IntPtr>(StringComparer.Ordinal);
        private readonly Dictionary<string, IntPtr> _byPci = new Dictionary<string, IntPtr>(StringComparer.Ordinal);
        private readonly Dictionary<IntPtr, IReadOnlyList<MigHandle>> _migsOfParent = new Dictionary<IntPtr, IReadOnlyList<MigHandle>>();
        private readonly Dictionary<IntPtr, MigHandle> _migs = new Dictionary<IntPtr, MigHandle>();
        private readonly Dictionary<string, IntPtr> _migByUuid = new Dictionary<string, IntPtr>(StringComparer.Ordinal);

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
                string? uuidKey = nvml.nvmlDeviceGetUUID(handle, out string? uuid) == NvmlReturn.NVML_SUCCESS
                    ? DeviceIdentity.NormalizeUuid(uuid) : null;
                if (uuidKey != null) facts._byUuid[uuidKey] = handle;
                facts.AddMigDevices(handle, MigHandles.Read(nvml, handle, uuidKey));
                if (nvml.nvmlDeviceGetPciInfo(handle, out string? bus) == NvmlReturn.NVML_SUCCESS
                    && DeviceIdentity.NormalizePciBusId(bus) is string busKey)
                    facts._byPci[busKey] = handle;
            }

            return facts;
        }

        private void AddMigDevices(IntPtr parent, IReadOnlyList<MigHandle> migs)
        {
            if (migs.Count == 0) return;
            _migsOfParent[parent] = migs;
            foreach (MigHandle mig in migs)
            {
                _migs[mig.Handle] = mig;
                if (mig.Facts.Uuid != null) _migByUuid[mig.Facts.Uuid] = mig.Handle;
            }
        }

        /// <summary>
        /// The NVML handle of a CUDA device: by UUID (a MIG device's too: CUDA formats its MIG UUID's bytes with the GPU-
        /// prefix), else by PCI bus id.
        /// </summary>
        public bool TryFind(string? uuid, string? pciBusId, out IntPtr handle)
        {
            handle = IntPtr.Zero;
            if (uuid != null && _byUuid.TryGetValue(uuid, out handle)) return true;
            if (uuid != null && uuid.Length > 4 && _migByUuid.TryGetValue("MIG-" + uuid.Substring(4), out handle)) return true;
            return pciBusId != null && _byPci.TryGetValue(pciBusId, out handle);
        }

        /// <summary>The MIG device behind a handle <see cref="TryFind"/> gave; null for a whole GPU.</summary>
        public MigHandle? MigOf(IntPtr handle) => _migs.TryGetValue(handle, out MigHandle? mig) ? mig : null;

        /// <summary>The MIG devices of a GPU (of a MIG device's parent); empty where MIG is off.</summary>
        public IReadOnlyList<MigHandle> MigDevicesOf(IntPtr handle)
        {
            IntPtr parent = MigOf(handle)?.Parent ?? handle;
            return _migsOfParent.TryGetValue(parent, out IReadOnlyList<MigHandle>? migs) ? migs : Array.Empty<MigHandle>();
        }

        /// <summary>Fills the NVML fields. Each is optional: a field the GPU does not support stays empty.</summary>
        public void Fill(CudaDevice device, IntPtr handle)
        {
            device.NvmlAvailable = true;
            // A MIG device answers for its memory and processes; the rest is its GPU's (read on the parent's handle).
            MigHandle? self = MigOf(handle);
            IntPtr gpu = self?.Parent ?? handle;
            FillGpuWide(device, gpu);
            FillMig(device, self, MigDevicesOf(handle));
            if (_nvml.nvmlDeviceGetUtilizationRates(handle, out NvmlUtilization utilization) == NvmlReturn.NVML_SUCCESS)
            {
                device.GpuUtilizationPercent = (int)utilization.Gpu;
                device.MemoryUtilizationPercent = (int)utilization.Memory;
            }

            if (_nvml.nvmlDeviceGetMemoryInfo(handle, out NvmlMemory memory) == NvmlReturn.NVML_SUCCESS)
            {
                device.FreeMemory = memory.Free;
                device.NvmlTotalMemory = memory.Total;
            }

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

        private static void FillMig(CudaDevice device, MigHandle? self, IReadOnlyList<MigHandle> migs)
        {
            if (self != null)
            {
                device.Uuid = self.Facts.Uuid ?? device.Uuid;
                device.MigParentUuid = self.Facts.ParentUuid;
                device.MigProfile = self.Facts.Profile;
                device.GpuInstanceId = self.Facts.GpuInstanceId;
                device.ComputeInstanceId = self.Facts.ComputeInstanceId;
            }

            string? parentName = self == null ? device.Name : MigParentName(device.Name);
            device.MigDevices = new ReadableList<MigDevice>(migs.Select(m => m.ToModel(parentName)));
        }

        // The driver names a MIG device after its GPU and profile ("NVIDIA A100-SXM4-80GB MIG 3g.40gb").
        private static string? MigParentName(string? name)
        {
            if (name == null) return null;
            int at = name.LastIndexOf(" MIG ", StringComparison.Ordinal);
            return at > 0 ? name.Substring(0, at) : name;
        }

        /// <summary>
        /// Gives each listed MIG device the CUDA index this process's driver gives it, where it shows it. Called once
        /// every device is filled.
        /// </summary>
        public static void LinkCudaIndexes(IReadOnlyList<CudaDevice> devices)
        {
            foreach (MigDevice mig in devices.SelectMany(d => d.MigDevices))
            {
                mig.CudaIndex = devices.FirstOrDefault(d => d.Uuid != null && d.Uuid == mig.Uuid)?.Index;
            }
        }

        private void FillGpuWide(CudaDevice device, IntPtr handle)
        {
            if (_nvml.nvmlDeviceGetTemperature(handle, out uint temperature) == NvmlReturn.NVML_SUCCESS)
                device.TemperatureC = (int)temperature;
            if (_nvml.DeviceGetUInt("nvmlDeviceGetPowerUsage", handle, out uint milliwatts) == NvmlReturn.NVML_SUCCESS)
                device.PowerDrawW = Math.Round(milliwatts / 1000.0, 1);
            if (_nvml.DeviceGetUInt("nvmlDeviceGetEnforcedPowerLimit", handle, out uint limit) == NvmlReturn.NVML_SUCCESS)
                device.PowerLimitW = Math.Round(limit / 1000.0, 1);
            if (_nvml.DeviceGetUInt("nvmlDeviceGetPersistenceMode", handle, out uint persistence) == NvmlReturn.NVML_SUCCESS)
                device.PersistenceMode = persistence != 0;
            if (_nvml.DeviceGetCurrentAndPending("nvmlDeviceGetMigMode", handle, out uint mig, out _) == NvmlReturn.NVML_SUCCESS)
                device.MigEnabled = mig != 0;
            if (_nvml.DeviceGetCurrentAndPending("nvmlDeviceGetEccMode", handle, out uint ecc, out _) == NvmlReturn.NVML_SUCCESS)
                device.EccEnabled = ecc != 0;
            device.PcieGeneration = ReadUInt("nvmlDeviceGetCurrPcieLinkGeneration", handle);
            device.PcieMaxGeneration = ReadUInt("nvmlDeviceGetMaxPcieLinkGeneration", handle);
            device.PcieLinkWidth = ReadUInt("nvmlDeviceGetCurrPcieLinkWidth", handle);
            device.PcieMaxLinkWidth = ReadUInt("nvmlDeviceGetMaxPcieLinkWidth", handle);
            if (device.MaxSmClockMHz == null && _nvml.nvmlDeviceGetMaxClockInfo(handle, NvmlClockType.NVML_CLOCK_SM,
                out uint sm) == NvmlReturn.NVML_SUCCESS && sm > 0) device.MaxSmClockMHz = (int)sm;
            if (device.MemoryClockMHz == null && _nvml.nvmlDeviceGetMaxClockInfo(handle, NvmlClockType.NVML_CLOCK_MEM,
                out uint mem) == NvmlReturn.NVML_SUCCESS && mem > 0) device.MemoryClockMHz = (int)mem;
        }

        private int? ReadUInt(string function, IntPtr handle) =>
            _nvml.DeviceGetUInt(function, handle, out uint value) == NvmlReturn.NVML_SUCCESS
                && value != Nvml.ValueNotAvailable ? (int?)value : null;
    }
}
