using System;
using System.Collections.Generic;
using System.Globalization;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// NVML's PCIe replay counter. A few replays over a board's uptime are normal (an H100 showed 3 after a reboot);
    /// what matters is the rate, so the count is read at its place and again after the Xid watch. DCGM warns at 8 a minute.
    /// </summary>
    internal sealed class PcieReplaysCheck : GpuCheck, IReadAgain
    {
        private static readonly string[] NeedsHandle = { NvmlHandleCheck.CheckId };

        /// <summary>Replays since the driver loaded from which the count alone is a warning, however slowly it grew.</summary>
        internal const uint ManyReplays = 1000;

        /// <summary>Replays a minute under load from which growth is a warning (DCGM's PCIe replay threshold).</summary>
        internal const double ReplaysPerMinuteUnderLoad = 8;

        internal const string CheckName = "PCIe replays";

        public override string Id => "pcie_replays";

        public override string Name => CheckName;

        public override string Description => "PCIe packets replayed since the driver loaded, and their growth while the check runs.";

        public override IReadOnlyList<string> Needs => NeedsHandle;

        /// <summary>The count, or a <see cref="NvmlReturn"/> where NVML keeps none.</summary>
        public override object? Read(GpuContext context)
        {
            NvmlReturn r = context.Nvml.DeviceGetUInt("nvmlDeviceGetPcieReplayCounter", context.Handle, out uint replays);
            return r == NvmlReturn.NVML_SUCCESS ? replays : (object)r;
        }

        public override GpuHealthCheck? Judge(GpuContext context, object? reading)
        {
            int gpu = context.Gpu;
            if (reading is not uint replays) return Row(gpu, CheckStatus.Skipped, $"NVML gives no PCIe replay count here ({reading}).");
            if (replays == 0) return Row(gpu, CheckStatus.Passed, "No PCIe packets replayed since the driver loaded.");
            string since = string.Format(CultureInfo.InvariantCulture,
                "{0} PCIe packet(s) replayed since the driver loaded (link errors the link layer corrected)", replays);
            if (replays >= ManyReplays)
            {
                return Row(gpu, CheckStatus.Warning, since + ".",
                    "Watch whether the count grows under load (DCGM warns at 8 replays a minute); a growing count points at the slot, "
                        + "riser or cable.", HealthAction.Watch);
            }

            return Row(gpu, CheckStatus.Passed, since + "; a few over the uptime are normal.");
        }

        public GpuHealthCheck? Again(GpuContext context, object? first, TimeSpan window) =>
            first is uint before && Read(context) is uint after ? ReplaysDuring(context.Gpu, before, after, window) : null;

        /// <summary>
        /// The replay check again after the watch. Over a short Quick check any growth is news (an idle link should
        /// replay nothing); over a minute or more of load (Standard, Long), a few replays are tolerated and growth
        /// warns from DCGM's 8 a minute. Null when the count did not grow.
        /// </summary>
        internal static GpuHealthCheck? ReplaysDuring(int gpu, uint? before, uint? after, TimeSpan window)
        {
            if (before is not uint first || after is not uint last || last <= first) return null;
            uint grew = last - first;
            string figures = string.Format(CultureInfo.InvariantCulture,
                "{0} PCIe packet(s) replayed during the {1:0.#} s check ({2} since the driver loaded)",
                grew, window.TotalSeconds, last);
            if (window.TotalSeconds >= 60 && grew / window.TotalMinutes < ReplaysPerMinuteUnderLoad)
            {
                return HealthRow.Make(gpu, CheckName, CheckStatus.Passed, figures + string.Format(CultureInfo.InvariantCulture,
                    ": {0:0.#} a minute under load, below DCGM's {1:0} a minute.", grew / window.TotalMinutes, ReplaysPerMinuteUnderLoad));
            }

            return HealthRow.Make(gpu, CheckName, CheckStatus.Warning, figures + ": the link is taking errors now.",
                "Drain if it keeps growing under load (DCGM warns at 8 replays a minute); reseat the board, riser or cable.",
                    HealthAction.Watch);
        }
    }
}
