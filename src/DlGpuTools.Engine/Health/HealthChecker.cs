using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>What the caller expects of the host, and how long to listen for Xid events.</summary>
    public sealed class HealthRequest
    {
        /// <summary>GPUs the host should have (the driver's count); null: not checked.</summary>
        public int? ExpectedGpuCount { get; set; }

        /// <summary>The oldest driver the host may run; null: not checked.</summary>
        public Version? MinimumDriverVersion { get; set; }

        /// <summary>How long the Xid watch listens, counted from the start of the check.</summary>
        public TimeSpan XidWatch { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>How long NVML and the driver may take to answer for the host's list and for each GPU's checks before the GPU counts as hung.</summary>
        public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// The GPUs to check, by the rule every command shares (<see cref="DeviceSelector"/>); null: every GPU. A key
        /// that names no GPU stops the check before it starts (<see cref="DeviceNotFoundException"/>).
        /// </summary>
        public DeviceKeys? Devices { get; set; }

        public HealthLevel Level { get; set; } = HealthLevel.Quick;

        /// <summary>Standard and Long: how long the GEMM stress runs (and, at Long, the memory test).</summary>
        public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The stress GEMM's square size; smaller when a GPU's free memory is short.</summary>
        public long MatrixSize { get; set; } = 8192;

        /// <summary>How often NVML is sampled while the GPUs are under load.</summary>
        public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>Stops the stress and the memory test between batches.</summary>
        public System.Threading.CancellationToken Cancel { get; set; }

        /// <summary>Called on the caller's thread with the phase and the fraction of it done.</summary>
        public Action<string, double>? Progress { get; set; }

        /// <summary>The seconds a level takes by default: Quick needs none, Standard a minute of stress, Long two minutes of stress and two of memory test.</summary>
        public static TimeSpan DefaultDuration(HealthLevel level) => TimeSpan.FromSeconds(level == HealthLevel.Long ? 120 : 60);
    }

    /// <summary>
    /// Test-GpuHealth's engine: the host's checks (GPU count, driver), each GPU's NVML checks, at the Standard and
    /// Long levels the load checks (<see cref="LoadLevels"/>), and the Xid events seen while all of it ran, folded
    /// into one verdict, action and reason per GPU and per host (<see cref="Fold"/>).
    /// </summary>
    public static class HealthChecker
    {
        public static GpuHealthReport Run(GpuRuntime runtime, HealthRequest request)
        {
            if (runtime == null) throw new ArgumentNullException(nameof(runtime));
            if (request == null) throw new ArgumentNullException(nameof(request));
            var clock = Stopwatch.StartNew();
            Nvml nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? nvmlMissing) ?? throw (Exception?)nvmlMissing ?? new InvalidOperationException("NVML could not be loaded.");

            // The watch opens before anything else runs: NVML reports only events after registration.
            XidWatch? watch = XidWatch.Open(nvml, out NvmlReturn watchFailure);
            try
            {
                DeviceKeys? keys = request.Devices;
                Func<int, bool>? mayBeNamed = keys == null ? null : new Func<int, bool>(keys.MayName);
                if (!Watchdog.TryRun(() => (NvmlDeviceFacts.Read(nvml, new List<string>()), DeviceEnumerator.Enumerate(runtime, mayBeNamed)), request.CallTimeout, out var listed))
                    return Hung(clock, request.CallTimeout);
                (NvmlDeviceFacts facts, DeviceInventory inventory) = listed;
                IReadOnlyList<CudaDevice> devices = Selected(inventory, keys);
                var report = new GpuHealthReport
                {
                    Level = request.Level.ToString(),
                    GpuCount = inventory.DriverDeviceCount,
                    DriverVersion = inventory.Devices.Select(d => d.DriverVersion).FirstOrDefault(v => v != null) ?? DriverVersionFromNvml(nvml),
                };
                report.Checks.AddRange(HostChecks(inventory, request, report.DriverVersion));

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

                var perGpu = new Dictionary<int, GpuHealth>();
                var replaysBefore = new Dictionary<int, uint?>();
                var nvLinkBefore = new Dictionary<int, NvLinkErrorCounts?>();
                foreach (CudaDevice device in devices)
                {
                    var health = new GpuHealth { Index = device.Index, Name = device.Name, Uuid = device.Uuid, PciBusId = device.PciBusId };
                    if (handles.TryGetValue(device.Index, out IntPtr handle))
                    {
                        if (Watchdog.TryRun(() => (QuickHealthChecks.Run(nvml, handle, device).ToList(), QuickHealthChecks.ReadReplays(nvml, handle), NvLinkErrorCounts.Read(nvml, handle)),
                            request.CallTimeout, out var read))
                        {
                            health.Checks.AddRange(read.Item1);
                            replaysBefore[device.Index] = read.Item2;
                            nvLinkBefore[device.Index] = read.Item3;
                        }
                        else health.Checks.Add(QuickHealthChecks.Make(device.Index, QuickHealthChecks.NvmlAnswersCheck, CheckStatus.Failed, string.Format(CultureInfo.InvariantCulture, "NVML did not answer within {0:0.#} s while reading this GPU, so the GPU or its driver is hung; its other checks were not run.", request.CallTimeout.TotalSeconds), "Drain the node and check dmesg for Xid errors; a hung GPU usually needs a node reboot (a GPU reset rarely succeeds while it hangs).", HealthAction.RebootNode));
                    }
                    else health.Checks.Add(QuickHealthChecks.Make(device.Index, "NVML", CheckStatus.Failed, $"NVML shows no GPU with UUID {device.Uuid}, though the CUDA driver does.", "Reboot the node; if it persists, reinstall the driver.", HealthAction.RebootNode));
                    perGpu[device.Index] = health;
                }

                if (request.Level != HealthLevel.Quick)
                {
                    // Only GPUs whose NVML checks answered: a hung GPU's stress would hang too.
                    var answering = devices.Where(d => !perGpu[d.Index].Checks.Any(c => c.Check == QuickHealthChecks.NvmlAnswersCheck)).ToList();
                    LoadLevels.Run(runtime, answering, request, perGpu);
                    CollectiveHealthCheck.AddTo(runtime, answering, report, perGpu);
                }

                // Events since the watch opened: at Standard and Long, the stress's too.
                Dictionary<int, List<ulong>> xids = watch?.Drain(request.XidWatch) ?? new Dictionary<int, List<ulong>>();
                TimeSpan watched = clock.Elapsed > request.XidWatch ? clock.Elapsed : request.XidWatch;
                foreach (GpuHealth health in devices.Select(d => perGpu[d.Index]))
                {
                    // The replay count again, after the watch: growth while the check ran is the rate that matters.
                    if (replaysBefore.TryGetValue(health.Index, out uint? before) && handles.TryGetValue(health.Index, out IntPtr again)
                        && Watchdog.TryRun(() => QuickHealthChecks.ReadReplays(nvml, again), request.CallTimeout, out uint? after)
                        && QuickHealthChecks.ReplaysDuring(health.Index, before, after, clock.Elapsed) is GpuHealthCheck grew)
                    {
                        int at = health.Checks.FindIndex(c => c.Check == QuickHealthChecks.ReplaysCheck);
                        if (at >= 0) health.Checks[at] = grew;
                    }

                    if (nvLinkBefore.TryGetValue(health.Index, out NvLinkErrorCounts? first) && handles.TryGetValue(health.Index, out IntPtr gpuHandle))
                        NvLinkErrorsAgain(nvml, gpuHandle, health, first, request.CallTimeout);

                    health.Checks.Add(XidCheck(health.Index, xids, watch, watchFailure, watched));
                    Fold(health.Checks, out HealthVerdict verdict, out HealthAction action, out string? reason);
                    health.Verdict = verdict.ToString();
                    health.Action = action.ToString();
                    health.Reason = reason;
                    report.Gpus.Add(health);
                    report.Checks.AddRange(health.Checks);
                }

                Fold(report.Checks, out HealthVerdict hostVerdict, out HealthAction hostAction, out string? hostReason);
                report.Verdict = hostVerdict.ToString();
                report.Action = hostAction.ToString();
                report.Reason = hostReason;
                report.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
                return report;
            }
            finally
            {
                watch?.Dispose();
            }
        }

        // The NVLink counters again after the watch: their growth over the whole run is what DCGM's limits judge.
        private static void NvLinkErrorsAgain(Nvml nvml, IntPtr handle, GpuHealth health, NvLinkErrorCounts? first, TimeSpan timeout)
        {
            int at = health.Checks.FindIndex(c => c.Check == NvLinkErrorsCheck.Name);
            if (first == null || at < 0 || !Watchdog.TryRun(() => NvLinkErrorCounts.Read(nvml, handle), timeout, out NvLinkErrorCounts? last) || last == null) return;
            health.Checks[at] = NvLinkErrorsCheck.Judge(health.Index, first, last);
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
        private static GpuHealthReport Hung(Stopwatch clock, TimeSpan timeout)
        {
            var report = new GpuHealthReport();
            report.Checks.Add(QuickHealthChecks.Make(null, "Driver answers", CheckStatus.Failed, string.Format(CultureInfo.InvariantCulture, "The driver and NVML did not list the GPUs within {0:0.#} s: a GPU or the driver is hung.", timeout.TotalSeconds),
                "Drain the node, check dmesg for Xid errors (grep NVRM: Xid), and reboot it.", HealthAction.RebootNode));
            Fold(report.Checks, out HealthVerdict verdict, out HealthAction action, out string? reason);
            report.Verdict = verdict.ToString();
            report.Action = action.ToString();
            report.Reason = reason;
            report.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            return report;
        }

        private static string? DriverVersionFromNvml(Nvml nvml) =>
            nvml.nvmlSystemGetDriverVersion(out string? version) == NvmlReturn.NVML_SUCCESS ? version : null;

        private static IEnumerable<GpuHealthCheck> HostChecks(DeviceInventory inventory, HealthRequest request, string? driverVersion)
        {
            int count = inventory.DriverDeviceCount;
            if (request.ExpectedGpuCount is int expected)
            {
                yield return count == expected
                    ? QuickHealthChecks.Make(null, "GPU count", CheckStatus.Passed, $"{count} GPU(s), as expected.")
                    : QuickHealthChecks.Make(null, "GPU count", CheckStatus.Failed, $"{count} GPU(s) where {expected} were expected: a GPU is missing or fell off the bus (Xid 79), or CUDA_VISIBLE_DEVICES hides some.",
                        "Drain the node; check dmesg for Xid 79 and nvidia-smi -L; reboot, and replace the board or reseat it if the GPU stays missing.", HealthAction.RebootNode);
            }
            else
            {
                yield return QuickHealthChecks.Make(null, "GPU count", CheckStatus.Passed, $"{count} GPU(s) (give -ExpectedGpuCount to check the number).");
            }

            foreach (DeviceFailure failure in inventory.Failures)
            {
                yield return QuickHealthChecks.Make(failure.Index, "GPU answers", CheckStatus.Failed, $"The driver lists GPU {failure.Index} but could not read it: {failure.Error.Message}",
                    "Drain the node, check dmesg for Xid errors, then reset the GPU or reboot.", HealthAction.RebootNode);
            }

            if (request.MinimumDriverVersion is Version minimum)
            {
                Version? have = ParseDriver(driverVersion);
                if (have == null)
                    yield return QuickHealthChecks.Make(null, "Driver version", CheckStatus.Warning, $"The driver version could not be read, so it was not compared with {minimum}.", "Check nvidia-smi.", HealthAction.Watch);
                else if (have < minimum)
                    yield return QuickHealthChecks.Make(null, "Driver version", CheckStatus.Failed, $"Driver {driverVersion}, older than the {minimum} required.", $"Drain the node, install driver {minimum} or newer, then reboot.", HealthAction.Drain);
                else
                    yield return QuickHealthChecks.Make(null, "Driver version", CheckStatus.Passed, $"Driver {driverVersion} (at least {minimum}).");
            }
        }

        internal static Version? ParseDriver(string? text)
        {
            if (Strings.IsNullOrWhiteSpace(text)) return null;
            string[] parts = text.Split('.');
            var numbers = new List<int>();
            foreach (string p in parts.Take(4))
            {
                if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) break;
                numbers.Add(n);
            }

            return numbers.Count switch
            {
                0 => null,
                1 => new Version(numbers[0], 0),
                2 => new Version(numbers[0], numbers[1]),
                3 => new Version(numbers[0], numbers[1], numbers[2]),
                _ => new Version(numbers[0], numbers[1], numbers[2], numbers[3]),
            };
        }

        private static GpuHealthCheck XidCheck(int gpu, Dictionary<int, List<ulong>> seen, XidWatch? watch, NvmlReturn watchFailure, TimeSpan window)
        {
            const string name = "Xid events";
            if (watch == null) return QuickHealthChecks.Make(gpu, name, CheckStatus.Skipped, $"NVML could not open an event set here ({watchFailure}), so Xid errors were not watched; dmesg shows past ones (grep NVRM: Xid).");
            if (watch.Refused(gpu) is NvmlReturn refused) return QuickHealthChecks.Make(gpu, name, CheckStatus.Skipped, $"NVML does not deliver Xid events for this GPU here ({refused}); dmesg shows past ones (grep NVRM: Xid).");
            string during = string.Format(CultureInfo.InvariantCulture, "during the {0:0.#} s check", window.TotalSeconds);
            if (!seen.TryGetValue(gpu, out List<ulong>? xids) || xids.Count == 0) return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, "No Xid error " + during + ".");
            var (status, action, meaning) = xids.Select(Classify).OrderByDescending(c => c.Action).ThenByDescending(c => c.Status).First();
            string list = string.Join(", ", xids.Select(x => x.ToString(CultureInfo.InvariantCulture)));
            return QuickHealthChecks.Make(gpu, name, status, $"Xid {list} {during}: {meaning}.", ActionRemedy(action, gpu), action);
        }

        /// <summary>What an Xid means for the node, from NVIDIA's Xid catalogue (docs.nvidia.com/deploy/xid-errors, read 2026-11).</summary>
        internal static (CheckStatus Status, HealthAction Action, string Meaning) Classify(ulong xid)
        {
            switch (xid)
            {
                case 13: case 31: case 43: case 45:
                    return (CheckStatus.Warning, HealthAction.Watch, "an error a program caused (exception, page fault, stopped or cleaned-up channel); the GPU itself is usually fine");
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

        /// <summary>
        /// The verdict from the statuses (a failed check: Unhealthy; else a warning: Degraded; else Healthy), the action
        /// from the checks that set the verdict only (their most severe), and as the reason the first of those checks
        /// with that action, in one line. A check's status bounds its action (Warning: Watch or Configure; Failed:
        /// Drain or stronger; see <see cref="HealthVerdict"/>), so a Degraded node is never told to drain and the
        /// reason always names what the action is for.
        /// </summary>
        internal static void Fold(IReadOnlyCollection<GpuHealthCheck> checks, out HealthVerdict verdict, out HealthAction action, out string? reason)
        {
            string? setting = checks.Any(c => c.Status == nameof(CheckStatus.Failed)) ? nameof(CheckStatus.Failed)
                : checks.Any(c => c.Status == nameof(CheckStatus.Warning)) ? nameof(CheckStatus.Warning) : null;
            verdict = setting == nameof(CheckStatus.Failed) ? HealthVerdict.Unhealthy : setting != null ? HealthVerdict.Degraded : HealthVerdict.Healthy;
            if (setting == null)
            {
                action = HealthAction.None;
                reason = null;
                return;
            }

            GpuHealthCheck[] setters = checks.Where(c => c.Status == setting).ToArray();
            HealthAction most = setters.Max(ActionOf);
            GpuHealthCheck named = setters.First(c => ActionOf(c) == most);
            action = most;
            reason = (named.Gpu is int g ? "GPU " + g.ToString(CultureInfo.InvariantCulture) + ": " : string.Empty) + named.Check + ": " + named.Detail;
        }

        private static HealthAction ActionOf(GpuHealthCheck check) => (HealthAction)Enum.Parse(typeof(HealthAction), check.Action);
    }
}
