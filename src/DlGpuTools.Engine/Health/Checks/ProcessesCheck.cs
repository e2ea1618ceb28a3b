using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Compute processes already on the GPU. Work on a GPU is not a fault (Quick runs beside jobs), but it lowers every
    /// figure a load check measures, so it warns with Watch.
    /// </summary>
    internal sealed class ProcessesCheck : NvmlCheck
    {
        public override string Id => "processes";

        public override string Name => "Processes";

        public override string Description => "Compute processes already on the GPU (they lower the load checks' figures).";

        protected override GpuHealthCheck Check(GpuContext context)
        {
            CudaDevice device = context.Device;
            int gpu = context.Gpu;
            if (device.Processes.Count == 0) return Row(gpu, CheckStatus.Passed, "No compute process on the GPU.");
            string who = string.Join(", ", device.Processes.Take(3).Select(p => p.ToString()));
            ulong bytes = (ulong)device.Processes.Sum(p => (double)(p.UsedMemory ?? 0));
            return Row(gpu, CheckStatus.Warning,
                string.Format(CultureInfo.InvariantCulture, "{0} process(es) on the GPU, holding {1:0} MiB: {2}{3}.",
                    device.Processes.Count, bytes / 1048576.0, who,
                    device.Processes.Count > 3 ? ", ..." : string.Empty),
                "Nothing to do while they are your jobs. Before a Standard or Long check, let them finish or stop them: they share the "
                    + "GPU with the stress "
                + "and lower its figures (Get-GpuProcess shows them).", HealthAction.Watch);
        }
    }
}
