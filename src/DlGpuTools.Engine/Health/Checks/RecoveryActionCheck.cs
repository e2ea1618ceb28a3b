using System;
using System.Globalization;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The driver's own word on what the GPU needs: NVML_FI_DEV_GET_GPU_RECOVERY_ACTION (nvidia-smi
    /// --query-gpu=gpu_recovery_action), set after an uncorrectable fault. The steps follow NVIDIA's GPU memory error
    /// guide ("Error Recovery and Response Flags", docs.nvidia.com/deploy/a100-gpu-mem-error-mgmt, read 2026-11).
    /// DCGM (DcgmHealthWatch.cpp, MonitorGpuRecoveryAction) fails reset, reboot and drain-and-reset, and only warns on
    /// drain P2P; here drain P2P fails too, because the node must stop its peer-to-peer work before the driver can name
    /// the real step, and a node that keeps taking jobs cannot promise that. An older driver that does not know the
    /// field says nothing, and the check is Skipped.
    /// </summary>
    internal sealed class RecoveryActionCheck : NvmlCheck
    {
        internal const string CheckName = "Recovery action";

        public override string Id => "recovery_action";

        public override string Name => CheckName;

        public override string Description => "The driver's own recovery action after an uncorrectable fault (reset, reboot, drain).";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            NvmlReturn r = context.Nvml.DeviceGetFieldUInt64(context.Handle, NvmlHealthFieldId.GpuRecoveryAction, out ulong value);
            return Judge(context.Gpu, r, value);
        }

        internal static GpuHealthCheck Judge(int gpu, NvmlReturn status, ulong value)
        {
            if (status != NvmlReturn.NVML_SUCCESS)
            {
                return HealthRow.Make(gpu, CheckName, CheckStatus.Skipped,
                    $"Not reported by this driver ({status}): the recovery-action field came with newer drivers; Xid events and the other "
                        + $"checks still judge the GPU.");
            }

            string reset = $"sudo nvidia-smi -r -i {gpu}";
            switch ((NvmlGpuRecoveryAction)value)
            {
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_NONE:
                    return HealthRow.Make(gpu, CheckName, CheckStatus.Passed, "None: the driver asks for no recovery step.");
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_GPU_RESET:
                    return Failed(gpu, "GPU reset: a fault that only a reset clears.",
                        $"Drain the node, stop the GPU's processes and reset it ({reset}); new processes may then use it.",
                            HealthAction.ResetGpu);
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_NODE_REBOOT:
                    return Failed(gpu, "Node reboot: the fault may have left the operating system inconsistent; a GPU reset is not enough.",
                        "Drain the node and reboot it.", HealthAction.RebootNode);
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_DRAIN_P2P:
                    return Failed(gpu, "Drain P2P: peer-to-peer traffic must stop before the driver can name the final step.",
                        "Drain the node; stop the processes doing peer-to-peer (NVLink or PCIe P2P) traffic and turn off UVM persistence "
                            + "mode, then run Test-GpuHealth again: the driver then names the final step.",
                        HealthAction.Drain);
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_DRAIN_AND_RESET:
                    return Failed(gpu, "Drain and reset: the GPU runs at reduced capacity; work already on it is safe.",
                        $"Take no new jobs; let running work reach a checkpoint, then reset the GPU ({reset}) to regain full capacity.",
                            HealthAction.ResetGpu);
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_RECOVER_IMEX_DOMAIN:
                    return Failed(gpu, "Recover IMEX domain: the multi-node NVLink domain this GPU belongs to must be recovered.",
                        "Drain the node and recover its IMEX domain (the IMEX service and fabric manager) before it takes jobs again.",
                            HealthAction.Drain);
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_BUS_RESET:
                    return Failed(gpu, "Bus reset: the GPU's PCIe bus must be reset.",
                        "Drain the node, stop the GPU's processes and reset the GPU and its bus (a node reboot does it too).",
                            HealthAction.ResetGpu);
                case NvmlGpuRecoveryAction.NVML_GPU_RECOVERY_ACTION_SYSTEM_REBOOT:
                    return Failed(gpu, "System reboot: the driver asks for the whole system to be rebooted.",
                        "Drain the node and reboot it.", HealthAction.RebootNode);
                default:
                    return Failed(gpu, string.Format(CultureInfo.InvariantCulture,
                        "The driver asks for recovery action {0}, newer than this module knows.", value),
                        "Drain the node and look the value up in the NVML reference for nvmlDeviceGpuRecoveryAction_t (nvidia-smi -q "
                            + "shows its name).", HealthAction.Drain);
            }
        }

        private static GpuHealthCheck Failed(int gpu, string detail, string remedy, HealthAction action) =>
            HealthRow.Make(gpu, CheckName, CheckStatus.Failed, detail, remedy, action);
    }
}
