namespace DlGpuTools.Recommendations
{
    /// <summary>How much memory a card needs for a workload at least (the performance model decides the speed).</summary>
    public static class WorkloadProfile
    {
        /// <summary>
        /// Per-card memory floor in GB: below it the workload is cramped whatever the model (batch sizes,
        /// image sizes, context length). These are the thresholds experienced practitioners quote.
        /// </summary>
        public static double MemoryFloorGB(Workload workload)
        {
            switch (workload)
            {
                case Workload.Learning: return 6;
                case Workload.ComputerVision: return 8;
                case Workload.NLP: return 12;
                case Workload.LLMInference: return 16;
                case Workload.LLMFineTune: return 24;
                default: return 6;
            }
        }
    }
}
