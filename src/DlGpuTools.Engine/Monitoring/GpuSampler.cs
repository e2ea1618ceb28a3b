using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Reads <see cref="GpuSample"/>s for a fixed set of GPUs through NVML alone: no CUDA context is created, so
    /// sampling never takes GPU memory or disturbs the programs it watches. <see cref="Start"/> takes the first
    /// reading of the interval counters (GPM, NVLink); each <see cref="Sample"/> then covers the time since the
    /// previous one. Not thread-safe: one sampler per command. Dispose frees the GPM buffers.
    /// </summary>
    public sealed class GpuSampler : IDisposable
    {
        private readonly Nvml _nvml;
        private readonly DeviceState[] _devices;
        private readonly string _computerName = Environment.MachineName;

        private GpuSampler(Nvml nvml, DeviceState[] devices)
        {
            _nvml = nvml;
            _devices = devices;
        }

        /// <summary>The NVML the sampler reads, for readers of the same devices (<see cref="GpuProcessSource.Of"/>).</summary>
        internal Nvml Nvml => _nvml;

        public IReadOnlyList<MonitoredDevice> Devices => Array.ConvertAll(_devices, d => d.Device);

        /// <summary>
        /// A sampler for <paramref name="devices"/>. Throws <see cref="NativeLibraryNotFoundException"/> when NVML
        /// cannot be loaded; a GPU NVML does not show is left out with a warning.
        /// </summary>
        public static GpuSampler Create(GpuRuntime runtime, IEnumerable<CudaDevice> devices, List<string> warnings)
        {
            Nvml? nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? missing);
            if (nvml == null) throw missing ?? (Exception)new InvalidOperationException("NVML could not be loaded.");
            var map = MapToNvml(nvml, devices, warnings);
            var states = new List<DeviceState>();
            foreach (MonitoredDevice device in map) states.Add(new DeviceState(nvml, device));
            return new GpuSampler(nvml, states.ToArray());
        }

        /// <summary>
        /// The NVML handles of <paramref name="devices"/>, joined by UUID or PCI bus id (NVML's order is its own). A GPU
        /// in MIG mode with MIG devices is read per MIG device, as dcgm-exporter reads GPU instances; a CUDA device that
        /// is a MIG device is read as that MIG device.
        /// </summary>
        internal static IReadOnlyList<MonitoredDevice> MapToNvml(Nvml nvml, IEnumerable<CudaDevice> devices, List<string> warnings)
        {
            NvmlDeviceFacts facts = NvmlDeviceFacts.Read(nvml, warnings);
            var result = new List<MonitoredDevice>();
            foreach (CudaDevice device in devices)
            {
                if (!facts.TryFind(device.Uuid, device.PciBusId, out IntPtr handle))
                {
                    warnings.Add($"NVML shows no GPU with UUID {device.Uuid} or PCI bus id {device.PciBusId}, so GPU "
                        + $"{device.Index} is not sampled.");
                    continue;
                }

                MigHandle? self = facts.MigOf(handle);
                IReadOnlyList<MigHandle> migs = facts.MigDevicesOf(handle);
                string? gpuName = device.MigParentUuid == null ? device.Name
                    : device.MigDevices.FirstOrDefault()?.ParentName ?? device.Name;
                if (self != null) result.Add(new MonitoredDevice(device, self, gpuName));
                else if (migs.Count > 0) result.AddRange(migs.Select(m => new MonitoredDevice(device, m, gpuName)));
                else result.Add(new MonitoredDevice(device, handle));
            }

            return result;
        }

        /// <summary>Takes the first reading of the interval counters; samples before it have no GPM or NVLink figures.</summary>
        public void Start()
        {
            foreach (DeviceState state in _devices) state.Start();
        }

        /// <summary>One sample per GPU, in the order the devices were given.</summary>
        public IReadOnlyList<GpuSample> Sample()
        {
            var samples = new GpuSample[_devices.Length];
            for (int i = 0; i < _devices.Length; i++) samples[i] = _devices[i].Read(_nvml, _computerName);
            return samples;
        }

        public void Dispose()
        {
            foreach (DeviceState state in _devices) state.Dispose();
        }

        private sealed class DeviceState : IDisposable
        {
            private readonly Nvml _nvml;
            private readonly GpmCounters? _gpm;
            private readonly string? _gpmUnavailable;
            private readonly int? _minorNumber;
            private readonly int? _nvLinkCount;
            private readonly Stopwatch _clock = new Stopwatch();
            private NvLinkReading? _previousNvLink;
            private CounterReading? _previousPcie;
            private bool _pcieCounters = true;
            private bool _started;

            public DeviceState(Nvml nvml, MonitoredDevice device)
            {
                _nvml = nvml;
                Device = device;
                _gpm = GpmCounters.TryCreate(nvml, device.GpuHandle, out _gpmUnavailable, (uint?)device.GpuInstanceId);
                if (nvml.DeviceGetUInt("nvmlDeviceGetMinorNumber", device.GpuHandle, out uint minor) == NvmlReturn.NVML_SUCCESS)
                    _minorNumber = (int)minor;
                var count = new[] { new NvmlFieldValue { FieldId = NvmlFieldId.NVML_FI_DEV_NVLINK_LINK_COUNT } };
                if (nvml.nvmlDeviceGetFieldValues(device.GpuHandle, count) == NvmlReturn.NVML_SUCCESS
                    && count[0].NvmlReturn == NvmlReturn.NVML_SUCCESS)
                {
                    int links = (int)count[0].ValueAsDouble();
                    if (links > 0) _nvLinkCount = links;
                }
            }

            public MonitoredDevice Device { get; }

            public void Start()
            {
                _gpm?.Start();
                _previousNvLink = ReadNvLink();
                _previousPcie = ReadPcieCounters();
                _clock.Restart();
                _started = true;
            }

            public GpuSample Read(Nvml nvml, string computerName)
            {
                IntPtr h = Device.GpuHandle;
                var s = new GpuSample
                {
                    MigUuid = Device.MigUuid,
                    MigProfile = Device.MigProfile,
                    GpuInstanceId = Device.GpuInstanceId,
                    Timestamp = DateTimeOffset.UtcNow,
                    ComputerName = computerName,
                    Index = Device.Index,
                    Name = Device.Name,
                    Uuid = Device.Uuid,
                    PciBusId = Device.PciBusId,
                    MinorNumber = _minorNumber,
                    NvLinkCount = _nvLinkCount,
                    IntervalSeconds = _started ? Math.Round(_clock.Elapsed.TotalSeconds, 3) : 0,
                };
                _clock.Restart();
                ReadClassic(nvml, h, s);
                ReadPerInstance(nvml, Device.Handle, s);
                ReadPcie(nvml, h, s);

                bool gpmRead = _gpm != null && _started && _gpm.Read(s);
                if (_gpm != null && !_started) _gpm.Start();
                string? gpmNote = _gpm == null ? _gpmUnavailable : gpmRead ? null
                    : _gpm.Status ?? "first reading; the next sample has GPM figures";
                s.Source = gpmNote == null ? "NVML classic + GPM" : "NVML classic (GPM: " + gpmNote + ")";
                if (Device.MigUuid != null) s.Source += MigSourceNote;

                NvLinkReading? now = ReadNvLink();
                if (now.HasValue && _previousNvLink.HasValue)
                {
                    double seconds = (now.Value.TimestampMicroseconds - _previousNvLink.Value.TimestampMicroseconds) / 1e6;
                    if (seconds > 0)
                    {
                        s.NvLinkTxBytesPerSecond = Math.Round((now.Value.TxKiB - _previousNvLink.Value.TxKiB) * 1024.0 / seconds);
                        s.NvLinkRxBytesPerSecond = Math.Round((now.Value.RxKiB - _previousNvLink.Value.RxKiB) * 1024.0 / seconds);
                    }
                }

                _previousNvLink = now;
                _started = true;
                return s;
            }

            private const string MigSourceNote = "; MIG device: memory and GPM are the instance's, power, "
                + "temperature, clocks, ECC and PCIe "
                + "the GPU's; NVML gives no utilization per MIG instance (GPM's SM activity is the per-instance figure)";

            // What NVML answers per MIG device (on a whole GPU, the same handle as the rest): utilization and memory.
            private static void ReadPerInstance(Nvml nvml, IntPtr h, GpuSample s)
            {
                if (nvml.nvmlDeviceGetUtilizationRates(h, out NvmlUtilization u) == NvmlReturn.NVML_SUCCESS)
                {
                    s.GpuUtilizationPercent = (int)u.Gpu;
                    s.MemoryUtilizationPercent = (int)u.Memory;
                }

                // v2 counts the driver's reservation as neither free nor used, as nvidia-smi does; v1 where it is missing.
                if (nvml.nvmlDeviceGetMemoryInfo_v2(h, out NvmlMemoryV2 m2) == NvmlReturn.NVML_SUCCESS)
                {
                    s.MemoryTotal = m2.Total;
                    s.MemoryUsed = m2.Used;
                    s.MemoryFree = m2.Free;
                }
                else if (nvml.nvmlDeviceGetMemoryInfo(h, out NvmlMemory m) == NvmlReturn.NVML_SUCCESS)
                {
                    s.MemoryTotal = m.Total;
                    s.MemoryUsed = m.Used;
                    s.MemoryFree = m.Free;
                }
            }

            private static void ReadClassic(Nvml nvml, IntPtr h, GpuSample s)
            {
                if (nvml.DeviceGetUInt("nvmlDeviceGetPowerUsage", h, out uint mw) == NvmlReturn.NVML_SUCCESS)
                    s.PowerW = Math.Round(mw / 1000.0, 1);
                if (nvml.DeviceGetUInt("nvmlDeviceGetEnforcedPowerLimit", h, out uint limit) == NvmlReturn.NVML_SUCCESS)
                    s.PowerLimitW = Math.Round(limit / 1000.0, 1);
                if (nvml.nvmlDeviceGetTotalEnergyConsumption(h, out ulong mj) == NvmlReturn.NVML_SUCCESS) s.TotalEnergyMillijoules = mj;
                if (nvml.nvmlDeviceGetTemperature(h, out uint t) == NvmlReturn.NVML_SUCCESS) s.TemperatureC = (int)t;
                if (nvml.nvmlDeviceGetClockInfo(h, NvmlClockType.NVML_CLOCK_SM, out uint sm) == NvmlReturn.NVML_SUCCESS)
                    s.SmClockMHz = (int)sm;
                if (nvml.nvmlDeviceGetClockInfo(h, NvmlClockType.NVML_CLOCK_MEM, out uint mem) == NvmlReturn.NVML_SUCCESS)
                    s.MemoryClockMHz = (int)mem;
                if (nvml.nvmlDeviceGetCurrentClocksEventReasons(h, out ulong reasons) == NvmlReturn.NVML_SUCCESS)
                {
                    s.ClockEventReasonMask = reasons;
                    s.ClockEventReasons = ClockEventReasons.Decode(reasons);
                }

                s.EccCorrectedVolatile = Ecc(nvml, h, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_CORRECTED,
                    NvmlEccCounterType.NVML_VOLATILE_ECC);
                s.EccUncorrectedVolatile = Ecc(nvml, h, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
                    NvmlEccCounterType.NVML_VOLATILE_ECC);
                s.EccCorrectedAggregate = Ecc(nvml, h, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_CORRECTED,
                    NvmlEccCounterType.NVML_AGGREGATE_ECC);
                s.EccUncorrectedAggregate = Ecc(nvml, h, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
                    NvmlEccCounterType.NVML_AGGREGATE_ECC);
            }

            // PCIe traffic from the byte counters, averaged over the interval since the previous sample, as the NVLink
            // and GPM figures are. nvmlDeviceGetPcieThroughput would block about 20 ms per direction on every sample
            // (42 ms a sample on an H100): it is the fallback only for a driver without the counters.
            private void ReadPcie(Nvml nvml, IntPtr h, GpuSample s)
            {
                if (_pcieCounters)
                {
                    CounterReading? now = ReadPcieCounters();
                    if (now.HasValue)
                    {
                        if (_previousPcie.HasValue)
                        {
                            double seconds = (now.Value.TimestampMicroseconds - _previousPcie.Value.TimestampMicroseconds) / 1e6;
                            // A counter that went backwards wrapped or was reset: no figure for this interval.
                            if (seconds > 0 && now.Value.Tx >= _previousPcie.Value.Tx && now.Value.Rx >= _previousPcie.Value.Rx)
                            {
                                s.PcieTxBytesPerSecond = Math.Round((now.Value.Tx - _previousPcie.Value.Tx) / seconds);
                                s.PcieRxBytesPerSecond = Math.Round((now.Value.Rx - _previousPcie.Value.Rx) / seconds);
                            }
                        }

                        _previousPcie = now;
                        return;
                    }

                    _pcieCounters = false;
                }

                // NVML's "KB" here is 1024 bytes (its PCIe counters have 1 KiB granularity).
                if (nvml.nvmlDeviceGetPcieThroughput(h, NvmlPcieUtilCounter.NVML_PCIE_UTIL_RX_BYTES,
                    out uint rx) == NvmlReturn.NVML_SUCCESS) s.PcieRxBytesPerSecond = rx * 1024.0;
                if (nvml.nvmlDeviceGetPcieThroughput(h, NvmlPcieUtilCounter.NVML_PCIE_UTIL_TX_BYTES,
                    out uint tx) == NvmlReturn.NVML_SUCCESS) s.PcieTxBytesPerSecond = tx * 1024.0;
            }

            private CounterReading? ReadPcieCounters()
            {
                var fields = new[]
                {
                    new NvmlFieldValue { FieldId = NvmlFieldId.NVML_FI_DEV_PCIE_COUNT_TX_BYTES },
                    new NvmlFieldValue { FieldId = NvmlFieldId.NVML_FI_DEV_PCIE_COUNT_RX_BYTES },
                };
                if (_nvml.nvmlDeviceGetFieldValues(Device.GpuHandle, fields) != NvmlReturn.NVML_SUCCESS) return null;
                if (fields[0].NvmlReturn != NvmlReturn.NVML_SUCCESS || fields[1].NvmlReturn != NvmlReturn.NVML_SUCCESS) return null;
                return new CounterReading(fields[0].ValueAsDouble(), fields[1].ValueAsDouble(),
                    Math.Max(fields[0].Timestamp, fields[1].Timestamp));
            }

            // ECC counts are empty (not zero) where ECC is off or unsupported: NVML answers NOT_SUPPORTED.
            private static ulong? Ecc(Nvml nvml, IntPtr h, NvmlMemoryErrorType type, NvmlEccCounterType counter) =>
                nvml.nvmlDeviceGetTotalEccErrors(h, type, counter, out ulong count) == NvmlReturn.NVML_SUCCESS ? count : (ulong?)null;

            // The data counters summed over all links (scope UINT_MAX); a driver that only answers per link
            // (scope = link id) is read link by link and summed.
            private NvLinkReading? ReadNvLink()
            {
                if (_nvLinkCount == null) return null;
                NvLinkReading? all = ReadNvLinkScopes(new[] { NvmlFieldId.ScopeAllLinks });
                if (all.HasValue) return all;
                var links = new uint[_nvLinkCount.Value];
                for (uint i = 0; i < links.Length; i++) links[i] = i;
                return ReadNvLinkScopes(links);
            }

            private NvLinkReading? ReadNvLinkScopes(uint[] scopes)
            {
                var fields = new NvmlFieldValue[scopes.Length * 2];
                for (int i = 0; i < scopes.Length; i++)
                {
                    fields[2 * i] = new NvmlFieldValue { FieldId = NvmlFieldId.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, ScopeId = scopes[i] };
                    fields[2 * i + 1] = new NvmlFieldValue { FieldId = NvmlFieldId.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX,
                        ScopeId = scopes[i] };
                }

                if (_nvml.nvmlDeviceGetFieldValues(Device.GpuHandle, fields) != NvmlReturn.NVML_SUCCESS) return null;
                double tx = 0, rx = 0;
                long timestamp = 0;
                for (int i = 0; i < fields.Length; i++)
                {
                    if (fields[i].NvmlReturn != NvmlReturn.NVML_SUCCESS) return null;
                    if (i % 2 == 0) tx += fields[i].ValueAsDouble();
                    else rx += fields[i].ValueAsDouble();
                    timestamp = Math.Max(timestamp, fields[i].Timestamp);
                }

                return new NvLinkReading(tx, rx, timestamp);
            }

            public void Dispose() => _gpm?.Dispose();
        }

        private readonly struct CounterReading
        {
            public CounterReading(double tx, double rx, long timestampMicroseconds)
            {
                Tx = tx;
                Rx = rx;
                TimestampMicroseconds = timestampMicroseconds;
            }

            public double Tx { get; }

            public double Rx { get; }

            public long TimestampMicroseconds { get; }
        }

        private readonly struct NvLinkReading
        {
            public NvLinkReading(double txKiB, double rxKiB, long timestampMicroseconds)
            {
                TxKiB = txKiB;
                RxKiB = rxKiB;
                TimestampMicroseconds = timestampMicroseconds;
            }

            public double TxKiB { get; }

            public double RxKiB { get; }

            public long TimestampMicroseconds { get; }
        }
    }
}
