using System.Collections.Generic;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Work over several GPUs at once (the GEMM stress, the link screening, the memory test, the Xid watch): it writes
    /// no row; it publishes one reading per GPU, which the checks that need it judge.
    /// </summary>
    internal abstract class FleetRun : HealthCheck
    {
        /// <summary>The reading of each GPU it ran on, by CUDA index.</summary>
        public abstract IReadOnlyDictionary<int, object> Run(FleetContext context);
    }
}
