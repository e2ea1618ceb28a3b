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
    /// <summary>The memory pattern test: one word read back wrong fails (reset, then replace if it recurs).</summary>
    internal sealed class MemoryTestCheck : LoadCheck
    {
        public override string Id => "memory_test";

        public override string Name => "Memory test";

        public override string Description => "Most of the free device memory written and read back in patterns, word by word.";

        public override HealthLevel Level => HealthLevel.Long;

        public override IReadOnlyList<string> Needs => NeedsPatterns;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<MemoryReading>(MemoryPatternsRun.RunId, context.Gpu) is MemoryReading m ? DeviceMemory(m.Outcome,
                context.Run.Request.CallTimeout) : null;

        internal static GpuHealthCheck DeviceMemory(MemoryTestOutcome o, TimeSpan timeout)
        {
            const string name = "Memory test";
            int gpu = o.Index;
            if (LoadVerdicts.DidNotFinish(gpu, name, "memory test", o.Hung, o.Failure, timeout,
                "Run it on an idle node (other programs' memory is not tested and may leave too little); drain the node and check dmesg "
                    + "if the GPU itself refuses.") is GpuHealthCheck unfinished) return unfinished;

            string covered = LoadVerdicts.F("{0} pattern(s) in {1} pass(es) over {2:0.0} GiB of the {3:0.0} GiB free ({4:0.0} s, {5:0} "
                + "GB/s written and read)",
                o.PatternsChecked, o.Passes, o.TestedBytes / 1073741824.0, o.FreeBytes / 1073741824.0, o.Seconds, o.GBps ?? 0);
            if (o.BadWords > 0)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Failed,
                    LoadVerdicts.F("{0}: {1:N0} word(s) read back wrong; the first at byte {2:N0} of the tested memory in the {3} "
                        + "pattern; bits that differed 0x{4:X8}.", covered, o.BadWords, o.FirstBadOffset ?? 0, o.FirstBadPattern,
                            o.BadBits),
                    $"Drain the node and reset the GPU (sudo nvidia-smi -r -i {gpu}) so the driver can remap the rows; run -Level Long "
                        + $"again, and replace the board if memory still fails.", HealthAction.ResetGpu);
            }

            return HealthRow.Make(gpu, name, CheckStatus.Passed, covered + "; every word read back as written.");
        }
    }
}
