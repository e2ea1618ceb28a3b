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
        protected override void ProcessRecord() => CollectRequestedDevices();

        protected override void EndProcessing()
        {
            IReadOnlyList<CudaDevice> devices = CollectedDevices;
            if (NoDevices || devices.Count == 0) return;
            Monitor(devices);
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

        /// <summary>The devices' process lists through NVML (no GPM buffers), or null after writing the error (NVML missing).</summary>
        protected GpuProcessSource? OpenProcessSource(IReadOnlyList<CudaDevice> devices)
        {
            var warnings = new List<string>();
            GpuProcessSource? source = GpuProcessSource.TryOpen(Runtime, devices, warnings, out Exception? missing);
            if (source == null)
            {
                WriteFailure(missing!, null);
                return null;
            }

            foreach (string warning in warnings) WriteWarning(warning);
            return source;
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
