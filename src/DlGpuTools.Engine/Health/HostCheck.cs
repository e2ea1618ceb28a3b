using System.Collections.Generic;

namespace DlGpuTools.Health
{
    /// <summary>A check of the host as a whole (GPU count, driver): runs once, from what the listing found.</summary>
    internal abstract class HostCheck : HealthCheck
    {
        /// <summary>Its rows: none when it has nothing to say (no expectation given), several when it judges several GPUs.</summary>
        public abstract IEnumerable<GpuHealthCheck> Run(HealthContext context);

        /// <summary>
        /// True when a row that names a GPU belongs in that GPU's list (the collective's slow rank); false keeps every row
        /// in the host's list, where a GPU the driver lists but cannot read must stay, since it has no list of its own.
        /// </summary>
        public virtual bool RowsGoToTheirGpu => false;
    }
}
