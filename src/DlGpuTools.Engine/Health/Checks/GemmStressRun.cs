using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The GEMM stress on every answering GPU at once for -Duration, every result compared, with NVML sampling beside
    /// it. Its readings (<see cref="StressReading"/>) feed the GEMM, peer, clock and ECC-under-load checks.
    /// </summary>
    internal sealed class GemmStressRun : FleetRun
    {
        internal const string RunId = "gemm_stress";

        public override string Id => RunId;

        public override string Name => "GEMM stress";

        public override string Description => "Runs the GEMM stress on every GPU at once with NVML sampling beside it (the GEMM checks "
            + "judge it).";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyDictionary<int, object> Run(FleetContext context)
        {
            HealthRequest request = context.Run.Request;
            var stress = new StressRequest
            {
                Duration = request.Duration,
                Size = request.MatrixSize,
                CallTimeout = request.CallTimeout,
                SetupLimit = TimeSpan.FromTicks(request.CallTimeout.Ticks * 3),
            };
            List<StressOutcome> outcomes;
            Dictionary<int, LoadFigures> load;
            LoadWatch? watch = LoadWatch.Start(context.Run.Runtime, context.Devices, request.SampleInterval, new List<string>());
            try
            {
                outcomes = GemmStress.Run(context.Run.Runtime, context.Run.Port, context.Devices, stress, context.Run.Cancel,
                    context.Progress);
            }
            finally
            {
                load = watch?.Stop(request.CallTimeout) ?? new Dictionary<int, LoadFigures>();
                watch?.Dispose();
            }

            return outcomes.ToDictionary(o => o.Index, o => (object)new StressReading(o, load.TryGetValue(o.Index,
                out LoadFigures? f) ? f : null));
        }
    }
}
