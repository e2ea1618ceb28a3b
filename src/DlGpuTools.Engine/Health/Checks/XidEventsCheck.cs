using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The Xid events NVML delivered while the check ran, judged by NVIDIA's Xid catalogue: 79 reboot, 48/63/94/95
    /// reset, 64 replace, 13/31/43/45 usually the program's. It applies to a GPU that hung too: the events are read
    /// from the watch, not from the GPU.
    /// </summary>
    internal sealed class XidEventsCheck : GpuCheck
    {
        private static readonly string[] NeedsWatch = { XidWatchRun.RunId };

        public override string Id => "xid_events";

        public override string Name => "Xid events";

        public override string Description => "Xid errors NVML reports while the check runs (at Standard and Long, during the load too).";

        public override IReadOnlyList<string> Needs => NeedsWatch;

        public override bool ReadsNvml => false;

        public override bool NeedsAnsweringGpu => false;

        public override GpuHealthCheck? Judge(GpuContext context, object? reading)
        {
            int gpu = context.Gpu;
            XidWatch? watch = context.Run.Watch;
            if (watch == null)
            {
                return Row(gpu, CheckStatus.Skipped,
                    $"NVML could not open an event set here ({context.Run.WatchFailure}), so Xid errors were not watched; dmesg shows "
                        + $"past ones (grep NVRM: Xid).");
            }

            if (watch.Refused(gpu) is NvmlReturn refused)
                return Row(gpu, CheckStatus.Skipped,
                    $"NVML does not deliver Xid events for this GPU here ({refused}); dmesg shows past ones (grep NVRM: Xid).");
            if (context.Run.Reading<XidReading>(XidWatchRun.RunId, gpu) is not XidReading seen) return null;
            string during = string.Format(CultureInfo.InvariantCulture, "during the {0:0.#} s check", seen.Window.TotalSeconds);
            if (seen.Xids.Count == 0) return Row(gpu, CheckStatus.Passed, "No Xid error " + during + ".");
            var (status, action,
                meaning) = seen.Xids.Select(Classify).OrderByDescending(c => c.Action).ThenByDescending(c => c.Status).First();
            string list = string.Join(", ", seen.Xids.Select(x => x.ToString(CultureInfo.InvariantCulture)));
            return Row(gpu, status, $"Xid {list} {during}: {meaning}.", ActionRemedy(action, gpu), action);
        }

        /// <summary>
        /// What an Xid means for the node, from NVIDIA's Xid catalogue (docs.nvidia.com/deploy/xid-errors, read
        /// 2026-11).
        /// </summary>
        internal static (CheckStatus Status, HealthAction Action, string Meaning) Classify(ulong xid)
        {
            switch (xid)
            {
                case 13: case 31: case 43: case 45:
                    return (CheckStatus.Warning, HealthAction.Watch,
                        "an error a program caused (exception, page fault, stopped or cleaned-up channel); the GPU itself is usually fine");
                case 48: case 94: case 95:
                    return (CheckStatus.Failed, HealthAction.ResetGpu, "an uncorrectable memory (ECC) error");
                case 63:
                    // As the Memory repair check judges a pending remap: the bad memory stays in use until the reset.
                    return (CheckStatus.Failed, HealthAction.ResetGpu, "a page retirement or row remap was recorded; a reset applies it");
                case 64:
                    return (CheckStatus.Failed, HealthAction.ReplaceGpu, "a page retirement or row remap could not be recorded");
                case 79:
                    return (CheckStatus.Failed, HealthAction.RebootNode, "the GPU fell off the bus");
                case 92:
                    return (CheckStatus.Warning, HealthAction.Watch, "a high rate of corrected (single-bit) memory errors");
                default:
                    return (CheckStatus.Failed, HealthAction.Drain, "a driver-reported GPU fault (look it up in NVIDIA's Xid catalogue)");
            }
        }

        private static string ActionRemedy(HealthAction action, int gpu) => action switch
        {
            HealthAction.Watch => "Watch whether it recurs; look at the program that ran and at dmesg (grep NVRM: Xid).",
            HealthAction.ResetGpu => $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}); replace it if the error recurs.",
            HealthAction.RebootNode => "Drain the node and reboot it; replace or reseat the board if it happens again.",
            HealthAction.ReplaceGpu => "Drain the node and replace the board.",
            _ => "Drain the node and look the Xid up in NVIDIA's Xid catalogue; dmesg has the driver's message.",
        };
    }
}
