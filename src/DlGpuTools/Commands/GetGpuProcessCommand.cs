using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The compute processes on each GPU, with memory, SM and memory utilization (NVML) and user, command line
    /// and container (the OS). NVML reports host PIDs.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuProcess")]
    [OutputType(typeof(GpuProcessUsage))]
    public sealed class GetGpuProcessCommand : GpuMonitorCmdlet
    {
        /// <summary>How far back NVML's per-process utilization samples are read.</summary>
        internal static readonly TimeSpan UtilizationWindow = TimeSpan.FromSeconds(2);

        protected override void Monitor(IReadOnlyList<CudaDevice> devices)
        {
            GpuProcessSource? source = OpenProcessSource(devices);
            if (source == null) return;
            foreach (MonitoredDevice device in source.Devices)
            {
                IReadOnlyList<GpuProcessUsage> processes = source.Read(device, UtilizationWindow, out Exception? failure);
                if (failure != null) WriteFailure(failure, device.Index);
                foreach (GpuProcessUsage process in processes) WriteObject(process);
            }
        }
    }
}
