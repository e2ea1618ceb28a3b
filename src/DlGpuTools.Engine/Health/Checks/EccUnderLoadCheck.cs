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
    /// <summary>ECC counts that grew while the GPU ran the GEMM stress; no row where NVML keeps none.</summary>
    internal sealed class EccUnderLoadCheck : LoadCheck
    {
        public override string Id => "ecc_under_load";

        public override string Name => "ECC under load";

        public override string Description => "ECC errors that grew during the GEMM stress (no row where NVML keeps no counts).";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyList<string> Needs => NeedsStress;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading) =>
            context.Run.Reading<StressReading>(GemmStressRun.RunId, context.Gpu) is StressReading s ? EccUnderLoad(context.Gpu, s.Load,
                Name, "the GEMM stress") : null;

        /// <summary>ECC counts that grew while the GPU was under load; null where NVML keeps none.</summary>
        internal static GpuHealthCheck? EccUnderLoad(int gpu, LoadFigures? load, string name, string during)
        {
            if (load?.UncorrectedEccGrowth is not ulong uncorrected) return null;
            ulong corrected = load.CorrectedEccGrowth ?? 0;
            if (uncorrected > 0)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Failed, LoadVerdicts.F("{0} uncorrectable ECC error(s) during {1}.",
                    uncorrected, during),
                    $"Drain the node and reset the GPU (sudo nvidia-smi -r -i {gpu}) so the row is remapped; replace the board if it "
                        + $"recurs.", HealthAction.ResetGpu);
            }

            if (corrected > 0)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Warning,
                    LoadVerdicts.F("{0} corrected ECC error(s) during {1} (none uncorrectable).", corrected, during),
                    "Watch the corrected count (nvidia-smi -q -d ECC); a count that keeps growing precedes uncorrectable errors.",
                        HealthAction.Watch);
            }

            return HealthRow.Make(gpu, name, CheckStatus.Passed, LoadVerdicts.F("No ECC error, corrected or not, during {0}.", during));
        }
    }
}
