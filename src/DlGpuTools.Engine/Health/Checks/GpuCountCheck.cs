using System.Collections.Generic;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>The driver's GPU count against -ExpectedGpuCount: fewer means a GPU is missing or fell off the bus (Xid 79).</summary>
    internal sealed class GpuCountCheck : HostCheck
    {
        public override string Id => "gpu_count";

        public override string Name => "GPU count";

        public override string Description => "The GPUs the driver lists, against -ExpectedGpuCount when given.";

        public override IEnumerable<GpuHealthCheck> Run(HealthContext context)
        {
            int count = context.Inventory.DriverDeviceCount;
            if (context.Request.ExpectedGpuCount is not int expected)
            {
                yield return Row(null, CheckStatus.Passed, $"{count} GPU(s) (give -ExpectedGpuCount to check the number).");
                yield break;
            }

            yield return count == expected
                ? Row(null, CheckStatus.Passed, $"{count} GPU(s), as expected.")
                : Row(null, CheckStatus.Failed,
                    $"{count} GPU(s) where {expected} were expected: a GPU is missing or fell off the bus (Xid 79), or "
                        + $"CUDA_VISIBLE_DEVICES hides some.",
                    "Drain the node; check dmesg for Xid 79 and nvidia-smi -L; reboot, and replace the board or reseat it if the GPU "
                        + "stays missing.",
                    HealthAction.RebootNode);
        }
    }
}
