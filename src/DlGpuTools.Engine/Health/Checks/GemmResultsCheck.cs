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
    /// <summary>
    /// The GEMM stress's results: one wrong word, or a first result off its CPU reference, fails (a silent compute or
    /// memory fault).
    /// </summary>
    internal sealed class GemmResultsCheck : LoadCheck
    {
        public override string Id => "gemm_results";

        public override string Name => "GEMM results";

        public override string Description => "Every GEMM result of the stress is bit for bit the first, and the first matches a CPU "
            + "reference.";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsStress;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<StressReading>(GemmStressRun.RunId, context.Gpu) is StressReading s ? GemmResults(s.Outcome,
                context.Run.Request.CallTimeout) : null;

        internal static GpuHealthCheck GemmResults(StressOutcome o, TimeSpan timeout)
        {
            const string name = "GEMM results";
            int gpu = o.Index;
            if (LoadVerdicts.DidNotFinish(gpu, name, "GEMM stress", o.Hung, o.Failure, timeout,
                "If other programs hold the GPU's memory, run the check on an idle node; otherwise drain it and check dmesg for Xid "
                    + "errors.") is GpuHealthCheck unfinished) return unfinished;

            string run = LoadVerdicts.F("{0:N0} {1} GEMMs of {2}x{2}x{2} in {3:0.0} s", o.Calls, o.DataType, o.Size, o.Seconds);
            if (o.ReferenceFailure != null)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Failed, "The first result does not match a double-precision CPU reference: "
                    + o.ReferenceFailure,
                    "Drain the node: the GPU computes wrong results. Run Test-GpuHealth -Level Long; if it fails again, replace the board.",
                        HealthAction.Drain);
            }

            if (o.FaultyResults > 0)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Failed,
                    LoadVerdicts.F("{0}: {1:N0} of {2:N0} results differed from the first result ({3:N0} 32-bit words in all). The same "
                        + "GEMM on the same inputs must give the same bits, so this is a silent compute or memory fault.", run,
                            o.FaultyResults, o.Compared, o.FaultyWords),
                    "Drain the node: jobs on this GPU can get wrong numbers without an error. Run Test-GpuHealth -Level Long; if results "
                        + "differ again, replace the board.", HealthAction.Drain);
            }

            return HealthRow.Make(gpu, name, CheckStatus.Passed,
                LoadVerdicts.F("{0}; all {1:N0} results matched the first bit for bit, and the first matched a double CPU reference on "
                    + "sampled elements (relative error {2:E1}).", run, o.Compared, o.ReferenceError ?? 0));
        }
    }
}
