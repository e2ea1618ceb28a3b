using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// A GPU's energy counter and board power through NVML (no CUDA context, so reading never disturbs the work). Both
    /// are the whole board's, so they are read on the GPU's handle also for a MIG device (whose own handle NVML refuses).
    /// </summary>
    internal sealed class NvmlEnergySensor : IEnergySensor
    {
        private readonly Nvml _nvml;
        private readonly IntPtr _handle;

        public NvmlEnergySensor(Nvml nvml, MonitoredDevice device)
        {
            _nvml = nvml;
            _handle = device.GpuHandle;
            Index = device.Index;
        }

        public int Index { get; }

        public bool TryReadCounter(out ulong millijoules, out string? unavailable)
        {
            NvmlReturn r = _nvml.nvmlDeviceGetTotalEnergyConsumption(_handle, out millijoules);
            unavailable = r == NvmlReturn.NVML_SUCCESS ? null : Describe("nvmlDeviceGetTotalEnergyConsumption", r);
            return r == NvmlReturn.NVML_SUCCESS;
        }

        public bool TryReadPower(out uint milliwatts, out string? unavailable)
        {
            NvmlReturn r = _nvml.DeviceGetUInt("nvmlDeviceGetPowerUsage", _handle, out milliwatts);
            unavailable = r == NvmlReturn.NVML_SUCCESS ? null : Describe("nvmlDeviceGetPowerUsage", r);
            return r == NvmlReturn.NVML_SUCCESS;
        }

        private string Describe(string call, NvmlReturn r) => r switch
        {
            NvmlReturn.NVML_ERROR_NOT_SUPPORTED => call + " is not supported on this GPU (NVML_ERROR_NOT_SUPPORTED)",
            NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND => "this NVML has no " + call + " (driver too old)",
            _ => call + " returned " + NvmlException.NameOf(r) + ": " + _nvml.ErrorString(r),
        };
    }
}
