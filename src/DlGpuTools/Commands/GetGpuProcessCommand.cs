using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Interop;
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
            IReadOnlyList<MonitoredDevice>? mapped = MapDevices(devices, out Nvml? nvml);
            if (mapped == null || nvml == null) return;
            foreach (MonitoredDevice device in mapped)
            {
                try
                {
                    foreach (GpuProcessUsage process in GpuProcessReader.Read(nvml, device, UtilizationWindow)) WriteObject(process);
                }
                catch (NvmlException e)
                {
                    WriteFailure(e, device.Index);
                }
            }
        }
    }
}
