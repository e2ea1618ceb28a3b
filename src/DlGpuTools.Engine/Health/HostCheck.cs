using System.Collections.Generic;

namespace DlGpuTools.Health
{
    /// <summary>A check of the host as a whole (GPU count, driver): runs once, from what the listing found.</summary>
    internal abstract class HostCheck : HealthCheck
    {
        /// <summary>Its rows: none when it has nothing to say (no expectation given), several when it judges several GPUs.</summary>
        public abstract IEnumerable<GpuHealthCheck> Run(HealthContext context);
    }
}
