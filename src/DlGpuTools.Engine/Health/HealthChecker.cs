using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Test-GpuHealth's engine: opens the Xid watch, lists the GPUs, then runs the registered items of
    /// <see cref="HealthChecks"/> in their order (each where what it needs left a reading), reads the two-reading
    /// counters again at the end, and folds each GPU's rows and the host's into one verdict, action and reason
    /// (<see cref="Fold"/>). The runner alone records results (<see cref="HealthLedger"/>): checks only read them.
    /// </summary>
    public static class HealthChecker
    {
        public static GpuHealthReport Run(GpuRuntime runtime, HealthRequest request)
        {
            if (runtime == null) throw new ArgumentNullException(nameof(runtime));
            if (request == null) throw new ArgumentNullException(nameof(request));
            var clock = Stopwatch.StartNew();
            // Unknown ids fail before any GPU is touched.
            IReadOnlyList<HealthCheck> plan = HealthChecks.Plan(request.Level, request.Checks, request.Skip);
            HealthLevel level = HealthChecks.LevelFor(request.Level, request.Checks);
            Nvml nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? nvmlMissing)
                ?? throw (Exception?)nvmlMissing ?? new InvalidOperationException("NVML could not be loaded.");

            // The watch opens before anything else runs: NVML reports only events after registration.
            XidWatch? watch = XidWatch.Open(nvml, out NvmlReturn watchFailure);
            try
            {
                DeviceKeys? keys = request.Devices;
                Func<int, bool>? mayBeNamed = keys == null ? null : new Func<int, bool>(keys.MayName);
                if (!Watchdog.TryRun(() => (NvmlDeviceFacts.Read(nvml, new List<string>()), DeviceEnumerator.Enumerate(runtime,
                    mayBeNamed)), request.CallTimeout,
                    out var listed))
                    return Hung(clock, request.CallTimeout, level);
                (NvmlDeviceFacts facts, DeviceInventory inventory) = listed;
                IReadOnlyList<CudaDevice> devices = Selected(inventory, keys);
                var report = new GpuHealthReport
                {
                    HealthLevel = level,
                    GpuCount = inventory.DriverDeviceCount,
                    DriverVersion = inventory.Devices.Select(d => d.DriverVersion).FirstOrDefault(v => v != null)
                        ?? DriverVersionFromNvml(nvml),
                };

                var handles = new Dictionary<int, IntPtr>();
                foreach (CudaDevice device in devices)
                {
                    if (facts.TryFind(device.Uuid, device.PciBusId, out IntPtr found))
                    {
                        // A MIG device's health is its GPU's: ECC, remapping, PCIe, clocks, power and Xids are GPU-wide,
                        // and NVML answers them on the GPU's handle, not the MIG device's.
                        IntPtr handle = facts.MigOf(found)?.Parent ?? found;
                        handles[device.Index] = handle;
                        watch?.Register(handle, device.Index);
                    }
                }

                var ledger = new HealthLedger();
                var context = new HealthContext(runtime, nvml, request, inventory, devices, report.DriverVersion, handles, watch,
                    watchFailure, clock, ledger);
                IReadOnlyDictionary<int, EnergyMeasurement> energy = HealthRunner.Run(context, plan, ledger);
                Assemble(report, context, plan, ledger, energy);
                report.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
                return report;
            }
            finally
            {
                watch?.Dispose();
            }
        }

        // The rows in registry order, the host's first; each GPU's figures from the readings that carry them.
        private static void Assemble(GpuHealthReport report, HealthContext context, IReadOnlyList<HealthCheck> plan, HealthLedger ledger,
            IReadOnlyDictionary<int, EnergyMeasurement> energy)
        {
            foreach (HostCheck host in plan.OfType<HostCheck>()) report.Checks.AddRange(ledger.RowsOf(host.Id, null));
            foreach (CudaDevice device in context.Devices)
            {
                var health = new GpuHealth { Index = device.Index, Name = device.Name, Uuid = device.Uuid, PciBusId = device.PciBusId };
                foreach (HealthCheck item in plan)
                {
                    health.Checks.AddRange(ledger.RowsOf(item.Id, device.Index));
                    if (ledger.ReadingOf(item.Id, device.Index) is IGpuFigures figures) figures.CopyTo(health);
                }

                if (energy.TryGetValue(device.Index, out EnergyMeasurement? measured)) measured.CopyTo(health);
                Fold(health.Checks, out HealthVerdict verdict, out HealthAction action, out string? reason);
                health.HealthVerdict = verdict;
                health.HealthAction = action;
                health.Reason = reason;
                report.Gpus.Add(health);
                report.Checks.AddRange(health.Checks);
            }

            Fold(report.Checks, out HealthVerdict hostVerdict, out HealthAction hostAction, out string? hostReason);
            report.HealthVerdict = hostVerdict;
            report.HealthAction = hostAction;
            report.Reason = hostReason;
        }

        /// <summary>
        /// The GPUs the keys name, or the exception that says which keys name none. A GPU the driver lists but could not
        /// read is not missing: its failure is a check of the report. Nor is a UUID while such a GPU exists, since
        /// that GPU's UUID is unknown.
        /// </summary>
        private static IReadOnlyList<CudaDevice> Selected(DeviceInventory inventory, DeviceKeys? keys)
        {
            DeviceSelection selection = DeviceSelector.Select(inventory.Devices, keys);
            int[] indexes = selection.MissingIndexes.Where(i => inventory.Failures.All(f => f.Index != i)).ToArray();
            string[] uuids = inventory.Failures.Count > 0 ? Array.Empty<string>() : selection.MissingUuids.ToArray();
            if (indexes.Length > 0 || uuids.Length > 0) throw new DeviceNotFoundException(indexes, uuids, inventory.DriverDeviceCount);
            return selection.Devices;
        }

        // The driver or NVML did not list the GPUs in time: the host fails with one check that says so.
        private static GpuHealthReport Hung(Stopwatch clock, TimeSpan timeout, HealthLevel level)
        {
            var report = new GpuHealthReport { HealthLevel = level };
            report.Checks.Add(HealthRow.Make(null, "Driver answers", CheckStatus.Failed,
                string.Format(CultureInfo.InvariantCulture,
                    "The driver and NVML did not list the GPUs within {0:0.#} s: a GPU or the driver is hung.", timeout.TotalSeconds),
                "Drain the node, check dmesg for Xid errors (grep NVRM: Xid), and reboot it.", HealthAction.RebootNode));
            Fold(report.Checks, out HealthVerdict verdict, out HealthAction action, out string? reason);
            report.HealthVerdict = verdict;
            report.HealthAction = action;
            report.Reason = reason;
            report.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            return report;
        }

        private static string? DriverVersionFromNvml(Nvml nvml) =>
            nvml.nvmlSystemGetDriverVersion(out string? version) == NvmlReturn.NVML_SUCCESS ? version : null;

        /// <summary>
        /// The verdict from the statuses (a failed check: Unhealthy; else a warning: Degraded; else Healthy), the action
        /// from the checks that set the verdict only (their most severe), and as the reason the first of those checks
        /// with that action, in one line. A check's status bounds its action (Warning: Watch or Configure; Failed:
        /// Drain or stronger; see <see cref="HealthVerdict"/>), so a Degraded node is never told to drain and the
        /// reason always names what the action is for.
        /// </summary>
        internal static void Fold(IReadOnlyCollection<GpuHealthCheck> checks, out HealthVerdict verdict, out HealthAction action,
            out string? reason)
        {
            CheckStatus? setting = checks.Any(c => c.CheckStatus == CheckStatus.Failed) ? CheckStatus.Failed
                : checks.Any(c => c.CheckStatus == CheckStatus.Warning) ? CheckStatus.Warning : null;
            verdict = setting == CheckStatus.Failed ? HealthVerdict.Unhealthy
                : setting != null ? HealthVerdict.Degraded : HealthVerdict.Healthy;
            if (setting == null)
            {
                action = HealthAction.None;
                reason = null;
                return;
            }

            GpuHealthCheck[] setters = checks.Where(c => c.CheckStatus == setting).ToArray();
            HealthAction most = setters.Max(c => c.HealthAction);
            GpuHealthCheck named = setters.First(c => c.HealthAction == most);
            action = most;
            reason = (named.Gpu is int g ? "GPU " + g.ToString(CultureInfo.InvariantCulture) + ": " : string.Empty) + named.Check + ": "
                + named.Detail;
        }
    }
}
