using System;

namespace DlGpuTools.Interop
{
    /// <summary>The NVML calls that measure a GPU's energy: the board's total-energy counter.</summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>
        /// nvmlDeviceGetTotalEnergyConsumption (Volta and newer): the board's energy in millijoules since the driver last
        /// loaded. It counts in 1 mJ units but moves only when the driver takes a power sample, so two reads closer together
        /// than that period may be equal. Older GPUs answer NVML_ERROR_NOT_SUPPORTED; an NVML without the export answers
        /// NVML_ERROR_FUNCTION_NOT_FOUND (Nvml.bindings).
        /// </summary>
        public NvmlReturn nvmlDeviceGetTotalEnergyConsumption(IntPtr device, out ulong millijoules)
        {
            millijoules = 0;
            ulong v;
            var r = _native.nvmlDeviceGetTotalEnergyConsumption(device, &v);
            millijoules = v;
            return r;
        }
    }
}
