using System.Collections.Generic;

namespace DlGpuTools.Health
{
    /// <summary>
    /// A GPU check that asks NVML about the GPU's board: it needs the "nvml" item (the GPU has a handle), and its
    /// reading is its row, since nothing later reads its counters.
    /// </summary>
    internal abstract class NvmlCheck : GpuCheck
    {
        private static readonly string[] NeedsHandle = { NvmlHandleCheck.CheckId };

        public override IReadOnlyList<string> Needs => NeedsHandle;

        public sealed override GpuHealthCheck? Judge(GpuContext context, object? reading) => Check(context);

        protected abstract GpuHealthCheck Check(GpuContext context);
    }
}
