using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The memory pattern test over most of each GPU's free memory, on every GPU whose stress did not hang, with NVML
    /// sampling beside it for the ECC counts.
    /// </summary>
    internal sealed class MemoryPatternsRun : FleetRun
    {
        internal const string RunId = "memory_patterns";

        public override string Id => RunId;

        public override string Name => "Memory pattern test";

        public override string Description => "Writes and reads back most of each GPU's free memory in patterns (the memory test checks "
            + "judge it).";

        public override HealthLevel Level => HealthLevel.Long;

        public override IReadOnlyDictionary<int, object> Run(FleetContext context)
        {
            HealthContext run = context.Run;
            HealthRequest request = run.Request;
            CudaDevice[] healthy = context.Devices.Where(d => run.Reading<StressReading>(GemmStressRun.RunId,
                d.Index)?.Outcome.Hung != true).ToArray();
            LoadWatch? watch = LoadWatch.Start(run.Runtime, healthy, request.SampleInterval, new List<string>());
            List<MemoryTestOutcome> memory;
            Dictionary<int, LoadFigures> load;
            try
            {
                memory = MemoryTest.Run(run.Port, healthy, request.Duration, request.CallTimeout, run.Cancel, context.Progress);
            }
            finally
            {
                load = watch?.Stop(request.CallTimeout) ?? new Dictionary<int, LoadFigures>();
                watch?.Dispose();
            }

            return memory.ToDictionary(o => o.Index, o => (object)new MemoryReading(o, load.TryGetValue(o.Index,
                out LoadFigures? f) ? f : null));
        }
    }
}
