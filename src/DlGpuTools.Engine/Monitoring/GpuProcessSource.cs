using System;
using System.Collections.Generic;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The compute processes of a set of GPUs, read through NVML alone (no CUDA context): what Get-GpuProcess lists
    /// and Watch-Gpu shows under its bars. One GPU's failure to list its processes is that GPU's error, not the
    /// command's, so <see cref="Read"/> returns it instead of throwing.
    /// </summary>
    public sealed class GpuProcessSource
    {
        private readonly Nvml _nvml;

        private GpuProcessSource(Nvml nvml, IReadOnlyList<MonitoredDevice> devices)
        {
            _nvml = nvml;
            Devices = devices;
        }

        /// <summary>The devices as NVML sees them (a GPU in MIG mode as its MIG devices), in the order given.</summary>
        public IReadOnlyList<MonitoredDevice> Devices { get; }

        /// <summary>
        /// The source for <paramref name="devices"/>, or null with <paramref name="failure"/> saying why when NVML
        /// cannot be loaded. A GPU NVML does not show is left out with a warning.
        /// </summary>
        public static GpuProcessSource? TryOpen(GpuRuntime runtime, IEnumerable<CudaDevice> devices,
            List<string> warnings, out Exception? failure)
        {
            if (runtime == null) throw new ArgumentNullException(nameof(runtime));
            Nvml? nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? missing);
            if (nvml == null)
            {
                failure = missing ?? (Exception)new InvalidOperationException("NVML could not be loaded.");
                return null;
            }

            failure = null;
            return new GpuProcessSource(nvml, GpuSampler.MapToNvml(nvml, devices, warnings));
        }

        /// <summary>The source over a sampler's devices, so a command that samples and lists maps the GPUs once.</summary>
        public static GpuProcessSource Of(GpuSampler sampler)
        {
            if (sampler == null) throw new ArgumentNullException(nameof(sampler));
            return new GpuProcessSource(sampler.Nvml, sampler.Devices);
        }

        /// <summary>
        /// The processes on <paramref name="device"/>, with utilization from NVML's samples of the last
        /// <paramref name="window"/>. When NVML cannot list them: none, and <paramref name="failure"/> holds NVML's error.
        /// </summary>
        public IReadOnlyList<GpuProcessUsage> Read(MonitoredDevice device, TimeSpan window, out Exception? failure)
        {
            if (device == null) throw new ArgumentNullException(nameof(device));
            try
            {
                failure = null;
                return GpuProcessReader.Read(_nvml, device, window);
            }
            catch (NvmlException e)
            {
                failure = e;
                return Array.Empty<GpuProcessUsage>();
            }
        }
    }
}
