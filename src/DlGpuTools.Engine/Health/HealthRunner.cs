using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Walks a plan of registered items in order and records what each one returns: a host check once, a fleet run over
    /// the GPUs still answering, a GPU check on each GPU where every item it needs left a reading. An NVML check that
    /// does not come back within the call time limit marks its GPU hung: the GPU gets one failed "NVML answers" row
    /// and no further work but the Xid check. Progress is the item's place in the plan. The board energy is measured
    /// over the load items (those above Quick), from the first to the last.
    /// </summary>
    internal static class HealthRunner
    {
        internal const string NvmlAnswersName = "NVML answers";

        public static IReadOnlyDictionary<int, EnergyMeasurement> Run(HealthContext context, IReadOnlyList<HealthCheck> plan,
            HealthLedger ledger)
        {
            var measured = new Dictionary<int, EnergyMeasurement>();
            int firstLoad = IndexOfLoad(plan, first: true), lastLoad = IndexOfLoad(plan, first: false);
            EnergyBracket? energy = null;
            try
            {
                for (int i = 0; i < plan.Count; i++)
                {
                    HealthCheck item = plan[i];
                    context.Cancel.ThrowIfCancellationRequested();
                    Report(context, item.Name, i, plan.Count, 0);
                    if (i == firstLoad)
                    {
                        CudaDevice[] answering = context.Devices.Where(d => context.Answers(d.Index)).ToArray();
                        if (answering.Length > 0) energy = EnergyMeter.Start(context.Runtime, answering);
                    }

                    RunItem(context, plan, ledger, item, i);
                    if (i == lastLoad && energy != null)
                    {
                        IReadOnlyList<EnergyMeasurement> stopped = energy.Stop(context.Request.CallTimeout);
                        for (int g = 0; g < stopped.Count; g++) measured[energy.Gpus[g]] = stopped[g];
                    }
                }
            }
            finally
            {
                energy?.Dispose();
            }

            ReadAgain(context, plan, ledger);
            return measured;
        }

        private static void RunItem(HealthContext context, IReadOnlyList<HealthCheck> plan, HealthLedger ledger, HealthCheck item, int at)
        {
            switch (item)
            {
                case HostCheck host:
                    foreach (GpuHealthCheck row in host.Run(context)) ledger.Add(host.Id, host.RowsGoToTheirGpu ? row.Gpu : null, row);
                    break;
                case FleetRun run:
                    CudaDevice[] devices = context.Devices.Where(d => (!run.NeedsAnsweringGpu || context.Answers(d.Index))
                        && run.Needs.All(n => ledger.HasReading(n, d.Index))).ToArray();
                    if (devices.Length == 0) return;
                    Action<string, double> progress = (phase, done) => Report(context, phase, at, plan.Count, done);
                    foreach (KeyValuePair<int, object> reading in run.Run(new FleetContext(context, devices,
                        progress))) ledger.Publish(run.Id, reading.Key, reading.Value);
                    break;
                case GpuCheck check:
                    string? left = HealthChecks.MissingNeed(check, plan);
                    foreach (CudaDevice device in context.Devices) RunOnGpu(context, ledger, check, device, left);
                    break;
                default:
                    throw new InvalidOperationException($"The health check '{item.Id}' is of a kind the runner does not know "
                        + $"({item.GetType().Name}).");
            }
        }

        private static void RunOnGpu(HealthContext context, HealthLedger ledger, GpuCheck check, CudaDevice device, string? leftOut)
        {
            int gpu = device.Index;
            if (check.NeedsAnsweringGpu && !context.Answers(gpu)) return;
            if (leftOut != null)
            {
                ledger.Add(check.Id, gpu, check.Row(gpu, CheckStatus.Skipped,
                    $"Not run: it needs '{leftOut}', which this run left out (-Skip)."));
                return;
            }

            if (!check.Needs.All(n => ledger.HasReading(n, gpu))) return;
            var on = new GpuContext(context, device);
            (object? Reading, GpuHealthCheck? Row) done;
            if (!check.ReadsNvml)
            {
                object? reading = check.Read(on);
                done = (reading, check.Judge(on, reading));
            }
            else if (!Watchdog.TryRun(() =>
            {
                object? reading = check.Read(on);
                return (reading, check.Judge(on, reading));
            }, context.Request.CallTimeout, out done))
            {
                ledger.Hung.Add(gpu);
                ledger.Add(check.Id, gpu, HealthRow.Make(gpu, NvmlAnswersName, CheckStatus.Failed,
                    string.Format(CultureInfo.InvariantCulture,
                        "NVML did not answer within {0:0.#} s while reading this GPU ({1}), so the GPU or its driver is hung; its other "
                            + "checks were not run.",
                        context.Request.CallTimeout.TotalSeconds, check.Name),
                    "Drain the node and check dmesg for Xid errors; a hung GPU usually needs a node reboot (a GPU reset rarely succeeds "
                        + "while it hangs).",
                    HealthAction.RebootNode));
                return;
            }

            ledger.Publish(check.Id, gpu, done.Reading);
            if (done.Row != null) ledger.Add(check.Id, gpu, done.Row);
        }

        // The counters judged by their growth, read again now that everything else (the Xid watch last) has run.
        private static void ReadAgain(HealthContext context, IReadOnlyList<HealthCheck> plan, HealthLedger ledger)
        {
            foreach (GpuCheck check in plan.OfType<GpuCheck>().Where(c => c is IReadAgain))
            {
                var again = (IReadAgain)check;
                foreach (CudaDevice device in context.Devices.Where(d => context.Answers(d.Index) && ledger.HasReading(check.Id, d.Index)))
                {
                    object? first = ledger.ReadingOf(check.Id, device.Index);
                    var on = new GpuContext(context, device);
                    if (Watchdog.TryRun(() => again.Again(on, first, context.Elapsed), context.Request.CallTimeout,
                        out GpuHealthCheck? row) && row != null)
                        ledger.Replace(check.Id, device.Index, row);
                }
            }
        }

        private static int IndexOfLoad(IReadOnlyList<HealthCheck> plan, bool first)
        {
            int found = -1;
            for (int i = 0; i < plan.Count; i++)
            {
                if (plan[i] is FleetRun && plan[i].Level > HealthLevel.Quick)
                {
                    found = i;
                    if (first) break;
                }
            }

            return found;
        }

        private static void Report(HealthContext context, string phase, int at, int count, double done) =>
            context.Request.Progress?.Invoke(phase, Math.Min(1, (at + Math.Max(0, Math.Min(1, done))) / Math.Max(1, count)));
    }
}
