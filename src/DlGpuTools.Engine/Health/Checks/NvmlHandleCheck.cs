using System;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>
    /// NVML knows the GPU the CUDA driver lists (matched by UUID or PCI bus id). Every NVML check needs it; a GPU
    /// NVML does not show fails here and gets no NVML check.
    /// </summary>
    internal sealed class NvmlHandleCheck : GpuCheck
    {
        internal const string CheckId = "nvml";

        public override string Id => CheckId;

        public override string Name => "NVML";

        public override string Description => "NVML shows the GPU that the CUDA driver lists, so its counters can be read.";

        public override bool ReadsNvml => false;

        public override object? Read(GpuContext context) => context.Run.HandleOf(context.Gpu) is IntPtr handle ? (object)handle : null;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) => reading != null
            ? null
            : Row(context.Gpu, CheckStatus.Failed, $"NVML shows no GPU with UUID {context.Device.Uuid}, though the CUDA driver does.",
                "Reboot the node; if it persists, reinstall the driver.", HealthAction.RebootNode);
    }
}
