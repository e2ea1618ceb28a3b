using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Measures the energy GPUs use over a piece of work: <see cref="Start"/> before it, <see cref="EnergyBracket.Stop"/>
    /// after it. Reads NVML's total-energy counter where the GPU has one (Volta and newer) and integrates sampled board
    /// power where it does not. Never throws for a missing NVML or GPU: the measurement then says why it has no figure,
    /// because energy is a figure beside a benchmark's result, never a reason to fail the benchmark.
    /// </summary>
    internal static class EnergyMeter
    {
        /// <summary>How often the counter (to see its update period and any reset) or the power (to integrate it) is read.</summary>
        public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

        /// <summary>How long <see cref="Start"/> and <see cref="EnergyBracket.Stop"/> wait for NVML before giving up the figure.</summary>
        public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

        /// <summary>Starts measuring <paramref name="devices"/> (joined to NVML by UUID or PCI bus id).</summary>
        public static EnergyBracket Start(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices)
        {
            if (runtime == null) throw new ArgumentNullException(nameof(runtime));
            if (devices == null) throw new ArgumentNullException(nameof(devices));
            int[] gpus = devices.Select(d => d.Index).ToArray();
            if (gpus.Length == 0) throw new ArgumentException("At least one GPU is needed.", nameof(devices));
            Nvml? nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? missing);
            if (nvml == null)
                return EnergyBracket.Unavailable(gpus, "NVML could not be loaded (" + (missing?.Message ?? "not found") + ")");
            var warnings = new List<string>();
            IReadOnlyList<MonitoredDevice> mapped = GpuSampler.MapToNvml(nvml, devices, warnings);
            if (gpus.Any(g => !mapped.Any(d => d.Index == g)))
                return EnergyBracket.Unavailable(gpus, string.Join(" ", warnings).TrimEnd('.'));
            IEnergySensor[] sensors = MonitoredDevice.OnePerGpu(mapped).Select(d => (IEnergySensor)new NvmlEnergySensor(nvml, d)).ToArray();
            return EnergyBracket.Start(sensors, PollInterval, ReadTimeout);
        }
    }
}
