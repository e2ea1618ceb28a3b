using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// NVLink error counters (nvmlDeviceGetNvLinkErrorCounter per link: replay, recovery, CRC flit, CRC data, ECC data),
    /// judged by their growth between the GPU's first checks and the end of the run, as DCGM's NVLink health watch
    /// judges growth over its window (DcgmHealthWatch.cpp MonitorNVLink4Fields; limits in DcgmGPUHardwareLimits.h):
    /// any replay or recovery error fails; CRC errors warn, and fail from 100 a second. The counts since the counters
    /// were reset are reported, never judged: a link collects a few over months.
    /// </summary>
    internal sealed class NvLinkErrorsCheck : GpuCheck, IReadAgain
    {
        private static readonly string[] NeedsHandle = { NvmlHandleCheck.CheckId };

        internal const string CheckName = "NVLink errors";

        /// <summary>
        /// DCGM_LIMIT_MAX_NVLINK_CRC_ERROR: CRC errors a second from which DCGM fails the GPU; below it the driver team
        /// counts them as noise.
        /// </summary>
        internal const double CrcErrorsPerSecondFailing = 100;

        /// <summary>The shortest window a CRC rate is taken over: a Quick check may read the counters milliseconds apart.</summary>
        internal const double MinimumRateWindowSeconds = 1;

        public override string Id => "nvlink_errors";

        public override string Name => CheckName;

        public override string Description => "Growth of the NVLink replay, recovery, CRC and ECC error counters while the check runs.";

        public override IReadOnlyList<string> Needs => NeedsHandle;

        public override object? Read(GpuContext context) => NvLinkErrorCounts.Read(context.Nvml, context.Handle);

        /// <summary>The first reading alone: what the counters hold, with the growth still to be read at the end of the run.</summary>
        public override GpuHealthCheck? Judge(GpuContext context, object? reading) => Judge(context.Gpu, reading as NvLinkErrorCounts,
            null);

        /// <summary>The counters again after the watch: their growth over the whole run is what DCGM's limits judge.</summary>
        public GpuHealthCheck? Again(GpuContext context, object? first, TimeSpan window) =>
            first is NvLinkErrorCounts before && NvLinkErrorCounts.Read(context.Nvml,
                context.Handle) is NvLinkErrorCounts last ? Judge(context.Gpu, before, last) : null;

        /// <summary>
        /// The check from two readings; <paramref name="after"/> null: only the first was taken (the run was cut short,
        /// or this is the check before the end of the run). ECC data errors were corrected by the link like CRC errors
        /// are detected by it, so they are judged with the CRC rule.
        /// </summary>
        internal static GpuHealthCheck Judge(int gpu, NvLinkErrorCounts? before, NvLinkErrorCounts? after)
        {
            if (before == null)
                return HealthRow.Make(gpu, CheckName, CheckStatus.Skipped,
                    "No NVLink error counters on this GPU (no NVLink, or NVML keeps no counters for its links).");
            string since = "since the counters were reset: " + Totals(before.Counts, k => before.Total(k));
            if (after == null)
                return HealthRow.Make(gpu, CheckName, CheckStatus.Passed, since + "; their growth is read again at the end of the run.");

            double seconds = Math.Max((after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency, 1e-3);
            Dictionary<NvmlNvLinkErrorCounter, ulong> grew = NvLinkErrorCounts.Kinds.ToDictionary(k => k, k => Growth(before, after, k));
            string window = string.Format(CultureInfo.InvariantCulture, "over the {0:0.#} s check", seconds);
            if (grew.Values.All(g => g == 0))
                return HealthRow.Make(gpu, CheckName, CheckStatus.Passed, $"No NVLink error {window}; {since}.");

            string links = NvLinkStateCheck.List(after.Counts.Where(c => before.Counts.TryGetValue(c.Key,
                out ulong b) && c.Value > b).Select(c => c.Key.Link).Distinct().OrderBy(l => l));
            string figures = $"Link(s) {links} took " + Totals(after.Counts, k => grew[k]) + " " + window;
            ulong fatal = grew[NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_REPLAY]
                + grew[NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_RECOVERY];
            ulong detected = grew[NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_FLIT]
                + grew[NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_DATA]
                + grew[NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_ECC_DATA];
            // Over a window shorter than a second a single error would read as a high rate; DCGM's window is a minute.
            double perSecond = detected / Math.Max(seconds, MinimumRateWindowSeconds);
            const string Remedy = "Drain the node; compare nvidia-smi nvlink -e. Reseat or service the board, bridge or baseboard of "
                + "those links if the count keeps growing after a reset.";
            if (fatal > 0)
                return HealthRow.Make(gpu, CheckName, CheckStatus.Failed, figures
                    + ": replay and recovery errors fail at any count (DCGM).", Remedy, HealthAction.Drain);
            if (perSecond >= CrcErrorsPerSecondFailing)
            {
                return HealthRow.Make(gpu, CheckName, CheckStatus.Failed,
                    figures + string.Format(CultureInfo.InvariantCulture, ": {0:0} CRC/ECC errors a second, at or above DCGM's {1:0}.",
                        perSecond, CrcErrorsPerSecondFailing), Remedy, HealthAction.Drain);
            }

            return HealthRow.Make(gpu, CheckName, CheckStatus.Warning,
                figures + string.Format(CultureInfo.InvariantCulture, ": {0:0.#} CRC/ECC errors a second, below DCGM's {1:0} that fails.",
                    perSecond, CrcErrorsPerSecondFailing),
                "Watch whether the count keeps growing under NVLink traffic (nvidia-smi nvlink -e); DCGM warns on any growth and fails "
                    + "from 100 a second.", HealthAction.Watch);
        }

        private static ulong Growth(NvLinkErrorCounts before, NvLinkErrorCounts after, NvmlNvLinkErrorCounter kind) =>
            after.Counts.Where(c => c.Key.Kind == kind && before.Counts.TryGetValue(c.Key, out ulong b) && c.Value > b)
                .Aggregate(0UL, (sum, c) => sum + (c.Value - before.Counts[c.Key]));

        // "3 replay, 0 recovery, 12 CRC, 0 ECC": a kind NVML does not keep for this GPU is left out.
        private static string Totals(IReadOnlyDictionary<(int Link, NvmlNvLinkErrorCounter Kind), ulong> kept, Func<NvmlNvLinkErrorCounter,
            ulong> count)
        {
            var parts = new List<string>();
            void Add(string label, params NvmlNvLinkErrorCounter[] kinds)
            {
                if (kinds.Any(k => kept.Keys.Any(c => c.Kind == k)))
                    parts.Add(kinds.Aggregate(0UL, (sum, k) => sum + count(k)).ToString(CultureInfo.InvariantCulture) + " " + label);
            }

            Add("replay", NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_REPLAY);
            Add("recovery", NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_RECOVERY);
            Add("CRC", NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_FLIT, NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_DATA);
            Add("ECC", NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_ECC_DATA);
            return string.Join(", ", parts);
        }
    }
}
