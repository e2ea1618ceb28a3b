namespace DlGpuTools.Health
{
    /// <summary>
    /// A check of one GPU. The runner calls <see cref="Read"/> then <see cref="Judge"/> for each GPU, under the
    /// call time limit when the check reads NVML (a GPU that does not answer in time gets the "NVML answers" row and
    /// no further NVML checks). What <see cref="Read"/> returns is published: later items read it by this id.
    /// </summary>
    internal abstract class GpuCheck : HealthCheck
    {
        /// <summary>False for checks that only judge earlier readings: they need no time limit.</summary>
        public virtual bool ReadsNvml => true;

        /// <summary>What it reads of the GPU, kept for later items (and for a second reading); null: nothing to keep.</summary>
        public virtual object? Read(GpuContext context) => null;

        /// <summary>The GPU's row from the reading; null when the check has nothing to say here.</summary>
        public abstract GpuHealthCheck? Judge(GpuContext context, object? reading);
    }

    /// <summary>
    /// A check that reads its counter twice, at its place and again when every other item has run (after the Xid
    /// watch), because growth over the run is what it judges. The second row replaces the first when there is one.
    /// </summary>
    internal interface IReadAgain
    {
        /// <summary>The row from both readings; null keeps the first row.</summary>
        GpuHealthCheck? Again(GpuContext context, object? first, System.TimeSpan window);
    }
}
