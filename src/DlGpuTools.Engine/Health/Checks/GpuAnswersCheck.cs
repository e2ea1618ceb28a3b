using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>Every GPU the driver lists could be read: one failed row, in the host's list, per GPU that could not.</summary>
    internal sealed class GpuAnswersCheck : HostCheck
    {
        public override string Id => "gpu_answers";

        public override string Name => "GPU answers";

        public override string Description => "Every GPU the driver lists can be read (name, memory, UUID).";

        public override IEnumerable<GpuHealthCheck> Run(HealthContext context) =>
            context.Inventory.Failures.Select(failure => Row(failure.Index, CheckStatus.Failed,
                $"The driver lists GPU {failure.Index} but could not read it: {failure.Error.Message}",
                "Drain the node, check dmesg for Xid errors, then reset the GPU or reboot.", HealthAction.RebootNode));
    }
}
