using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Devices;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The base of the monitoring commands (Get-GpuSample, Get-GpuProcess, Watch-Gpu): the usual device
    /// parameters, devices gathered from the whole pipeline and then watched together in EndProcessing, NVML only
    /// (no CUDA context), and Ctrl+C ending the wait between samples.
    /// </summary>
    public abstract class GpuMonitorCmdlet : DeviceCmdlet
    {
        private readonly List<CudaDevice> _selected = new List<CudaDevice>();
        private readonly HashSet<int> _seen = new HashSet<int>();

        protected override void ProcessRecord()
        {
            IReadOnlyList<CudaDevice>? devices = RequestedDevices();
            if (devices == null) return;
            foreach (CudaDevice device in devices)
            {
                if (_seen.Add(device.Index)) _selected.Add(device);
            }
        }

        protected override void EndProcessing()
        {
            if (NoDevices || _selected.Count == 0) return;
            _selected.Sort((a, b) => a.Index.CompareTo(b.Index));
            Monitor(_selected);
        }

        protected abstract void Monitor(IReadOnlyList<CudaDevice> devices);

        /// <summary>A sampler for the devices, or null after writing the error (NVML missing).</summary>
        protected GpuSampler? CreateSampler(IReadOnlyList<CudaDevice> devices)
        {
            var warnings = new List<string>();
            try
            {
                GpuSampler sampler = GpuSampler.Create(Runtime, devices, warnings);
                foreach (string warning in warnings) WriteWarning(warning);
                return sampler;
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                WriteFailure(e, null);
                return null;
            }
        }

        /// <summary>The NVML handles of the devices (no GPM buffers), or null after writing the error (NVML missing).</summary>
        protected IReadOnlyList<MonitoredDevice>? MapDevices(IReadOnlyList<CudaDevice> devices, out Interop.Nvml? nvml)
        {
            nvml = Runtime.TryGetNvml(out Interop.NativeLibraryNotFoundException? missing);
            if (nvml == null)
            {
                WriteFailure(missing ?? (Exception)new InvalidOperationException("NVML could not be loaded."), null);
                return null;
            }

            var warnings = new List<string>();
            IReadOnlyList<MonitoredDevice> mapped = GpuSampler.MapToNvml(nvml, devices, warnings);
            foreach (string warning in warnings) WriteWarning(warning);
            return mapped;
        }

        /// <summary>Waits until <paramref name="due"/> on <paramref name="clock"/>; false when the command was stopped.</summary>
        protected bool WaitUntil(System.Diagnostics.Stopwatch clock, TimeSpan due, Func<bool>? quitRequested = null)
        {
            while (true)
            {
                if (StopRequested) return false;
                if (quitRequested != null && quitRequested()) return false;
                TimeSpan left = due - clock.Elapsed;
                if (left <= TimeSpan.Zero) return true;
                // Short steps only when a key must be watched for; otherwise one wait, woken by Ctrl+C.
                TimeSpan step = quitRequested == null ? left : TimeSpan.FromMilliseconds(Math.Min(50, left.TotalMilliseconds));
                if (Cancellation.WaitHandle.WaitOne(step)) return false;
            }
        }
    }
}
