using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Benchmarks;
using DlGpuTools.Diagnostics;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>ECC counts that grew during the memory test, judged as under the stress; no row where NVML keeps none.</summary>
    internal sealed class EccMemoryTestCheck : LoadCheck
    {
        public override string Id => "ecc_memory_test";

        public override string Name => "ECC memory test";

        public override string Description => "ECC errors that grew during the memory test (no row where NVML keeps no counts).";

        public override HealthLevel Level => HealthLevel.Long;

        public override IReadOnlyList<string> Needs => NeedsPatterns;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<MemoryReading>(MemoryPatternsRun.RunId, context.Gpu) is MemoryReading m
                ? EccUnderLoadCheck.EccUnderLoad(context.Gpu, m.Load, Name, "the memory test")
                : null;
    }
}
