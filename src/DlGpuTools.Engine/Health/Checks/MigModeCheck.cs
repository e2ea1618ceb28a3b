using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// MIG mode: a change waiting for a reset warns (Configure); with MIG on, the detail says which readings are the
    /// whole GPU's and what cannot be checked inside MIG.
    /// </summary>
    internal sealed class MigModeCheck : NvmlCheck
    {
        private const string MigRemedy = "To test the whole GPU, check it while MIG is off; to test another MIG device, run with "
            + "CUDA_VISIBLE_DEVICES=MIG-<uuid> "
            + "(Get-CudaDevice | Select-Object -ExpandProperty MigDevices lists them).";

        public override string Id => "mig_mode";

        public override string Name => "MIG mode";

        public override string Description => "MIG mode, a MIG change waiting for a reset, and what MIG leaves unchecked.";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            CudaDevice device = context.Device;
            int gpu = device.Index;
            NvmlReturn r = context.Nvml.DeviceGetCurrentAndPending("nvmlDeviceGetMigMode", context.Handle, out uint current,
                out uint pending);
            if (r != NvmlReturn.NVML_SUCCESS) return Row(gpu, CheckStatus.Skipped, $"Not a MIG-capable GPU ({r}).");
            if (current != pending)
            {
                // The GPU works in its current mode; the change is a setting to finish (or undo) when convenient.
                return Row(gpu, CheckStatus.Warning,
                    $"MIG is {(current != 0 ? "on" : "off")} now and {(pending != 0 ? "on" : "off")} after the next reset: a change waits "
                        + $"for a GPU reset.",
                    $"When the GPU is idle, reset it (sudo nvidia-smi -r -i {gpu}) to finish the change, or set it back.",
                        HealthAction.Configure);
            }

            return current != 0
                ? Row(gpu, CheckStatus.Passed, MigDetail(device), MigRemedy)
                : Row(gpu, CheckStatus.Passed, "MIG is off: jobs see the whole GPU, and every check covers all of it.");
        }

        // What MIG changes about this report: which readings are the GPU's, which the instance's, and what is not checked.
        internal static string MigDetail(CudaDevice device)
        {
            var text = new System.Text.StringBuilder();
            text.Append(device.MigDevices.Count == 0
                ? "MIG is on with no MIG device made yet, so no job can run on this GPU."
                : string.Format(CultureInfo.InvariantCulture, "MIG is on with {0} MIG device(s): {1}.", device.MigDevices.Count,
                    string.Join(", ",
                        device.MigDevices.Select(m => $"{m.Profile ?? "unknown profile"} (GPU instance {m.GpuInstanceId}, {m.Uuid})"))));
            if (device.MigParentUuid != null)
            {
                text.Append(string.Format(CultureInfo.InvariantCulture,
                    " This process's CUDA device {0} is MIG device {1} ({2} SMs, {3:0.0} GiB).",
                    device.Index, device.MigProfile ?? device.Uuid, device.MultiprocessorCount, device.TotalMemory / 1073741824.0));
            }

            text.Append(" Inside MIG: ECC, memory repair, PCIe, clocks, power, temperature and Xids are the whole GPU's (read on the GPU);"
                + " NVML gives no utilization per MIG device; the Standard and Long levels (GEMM stress, memory test) run only on the MIG "
                + "device"
                + " CUDA shows this process, so they cover its share of SMs and memory, not the GPU; DCGM's diagnostic (dcgmi diag) does "
                + "not run on GPUs in MIG mode.");
            return text.ToString();
        }
    }
}
