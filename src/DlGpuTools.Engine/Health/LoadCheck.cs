namespace DlGpuTools.Health
{
    /// <summary>
    /// A check that judges what a load run found (the stress, the link screening, the memory test): it reads no
    /// NVML itself, so it needs no time limit, and it has a row only where its run left a reading.
    /// </summary>
    internal abstract class LoadCheck : GpuCheck
    {
        protected static readonly string[] NeedsStress = { GemmStressRun.RunId };

        protected static readonly string[] NeedsLinks = { LinkScreeningRun.RunId };

        protected static readonly string[] NeedsPatterns = { MemoryPatternsRun.RunId };

        public override bool ReadsNvml => false;
    }
}
