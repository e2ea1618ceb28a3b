using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The Quick level's checks of one GPU: NVML counters and settings only, no context and no GPU work, so they take
    /// milliseconds and are safe on a GPU that jobs are using. A counter NVML does not keep for this GPU (ECC on a
    /// consumer card, row remapping before Ampere) is Skipped with the reason, not Passed.
    /// </summary>
    internal static class QuickHealthChecks
    {
        public static IEnumerable<GpuHealthCheck> Run(Nvml nvml, IntPtr handle, CudaDevice device)
        {
            int gpu = device.Index;
            yield return Ecc(nvml, handle, gpu);
            yield return MemoryRepair(nvml, handle, gpu);
            yield return RecoveryActionCheck.Run(nvml, handle, gpu);
            yield return PcieLink(device, gpu);
            yield return PcieReplays(nvml, handle, gpu);
            yield return NvLinkStateCheck.Run(nvml, handle, gpu);
            yield return NvLinkErrorsCheck.Run(nvml, handle, gpu);
            yield return ClockEvents(nvml, handle, gpu);
            yield return PowerLimit(nvml, handle, gpu);
            yield return Temperature(nvml, handle, device, gpu);
            yield return Persistence(device, gpu);
            yield return Mig(nvml, handle, device);
            yield return Processes(device, gpu);
        }

        internal static GpuHealthCheck Make(int? gpu, string check, CheckStatus status, string detail, string? remedy = null, HealthAction action = HealthAction.None) =>
            new GpuHealthCheck { Gpu = gpu, Check = check, Status = status.ToString(), Detail = detail, Remedy = remedy, Action = action.ToString() };

        private static string Text(NvmlReturn r) => r.ToString();

        private static GpuHealthCheck Ecc(Nvml nvml, IntPtr handle, int gpu)
        {
            const string name = "ECC errors";
            NvmlReturn r = nvml.nvmlDeviceGetTotalEccErrors(handle, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NvmlEccCounterType.NVML_VOLATILE_ECC, out ulong recent);
            if (r != NvmlReturn.NVML_SUCCESS) return Make(gpu, name, CheckStatus.Skipped, $"NVML keeps no ECC counts for this GPU ({Text(r)}): ECC is off, or the board has none (consumer cards).");
            nvml.nvmlDeviceGetTotalEccErrors(handle, NvmlMemoryErrorType.NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NvmlEccCounterType.NVML_AGGREGATE_ECC, out ulong lifetime);
            if (recent > 0)
            {
                return Make(gpu, name, CheckStatus.Failed, string.Format(CultureInfo.InvariantCulture, "{0} uncorrectable ECC error(s) since the driver loaded ({1} over the board's life).", recent, lifetime),
                    $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}) so the bad memory is retired or remapped; if errors come back after the reset, replace the board.", HealthAction.ResetGpu);
            }

            if (lifetime > 0)
            {
                return Make(gpu, name, CheckStatus.Warning, string.Format(CultureInfo.InvariantCulture, "No uncorrectable ECC errors since the driver loaded; {0} over the board's life.", lifetime),
                    "Past errors only: watch whether the count grows (nvidia-smi -q -d ECC).", HealthAction.Watch);
            }

            return Make(gpu, name, CheckStatus.Passed, "No uncorrectable ECC errors, recent or over the board's life.");
        }

        private static GpuHealthCheck MemoryRepair(Nvml nvml, IntPtr handle, int gpu)
        {
            const string name = "Memory repair";
            NvmlReturn r = nvml.nvmlDeviceGetRemappedRows(handle, out uint correctable, out uint uncorrectable, out bool pending, out bool failed);
            if (r == NvmlReturn.NVML_SUCCESS)
            {
                string counts = string.Format(CultureInfo.InvariantCulture, "{0} row(s) remapped for uncorrectable and {1} for correctable errors", uncorrectable, correctable);
                if (failed) return Make(gpu, name, CheckStatus.Failed, counts + "; a remap FAILED: no spare row was left.", "Drain the node and replace the board (NVIDIA's memory error guide: a failed row remap needs an RMA).", HealthAction.ReplaceGpu);
                if (pending) return Make(gpu, name, CheckStatus.Failed, counts + "; a remap is pending until the GPU is reset, so a bad row is still in use.", $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}) to apply the remap.", HealthAction.ResetGpu);
                return Make(gpu, name, CheckStatus.Passed, counts + "; none pending, none failed.");
            }

            NvmlReturn retired = nvml.nvmlDeviceGetRetiredPagesPendingStatus(handle, out bool retirePending);
            if (retired == NvmlReturn.NVML_SUCCESS)
            {
                return retirePending
                    ? Make(gpu, name, CheckStatus.Failed, "A page retirement is pending until the GPU is reset, so a bad page is still in use.", $"Drain the node, then reset the GPU (sudo nvidia-smi -r -i {gpu}) or reboot.", HealthAction.ResetGpu)
                    : Make(gpu, name, CheckStatus.Passed, "No page retirement pending.");
            }

            return Make(gpu, name, CheckStatus.Skipped, $"NVML reports neither row remapping ({Text(r)}) nor page retirement ({Text(retired)}) for this GPU (consumer cards and GPUs without ECC have neither).");
        }

        private static GpuHealthCheck PcieLink(CudaDevice device, int gpu)
        {
            const string name = "PCIe link";
            if (device.PcieLinkWidth is not int width || device.PcieMaxLinkWidth is not int maxWidth)
                return Make(gpu, name, CheckStatus.Skipped, "NVML gives no PCIe link width for this GPU.");
            string link = string.Format(CultureInfo.InvariantCulture, "Gen{0} x{1} of Gen{2} x{3}", device.PcieGeneration, width, device.PcieMaxGeneration, maxWidth);
            if (width < maxWidth)
            {
                return Make(gpu, name, CheckStatus.Failed, link + ": the link trained to fewer lanes than it has, so host transfers run at a fraction of their speed.",
                    "Drain the node; reseat the board (and its riser or cable), then check the slot. A link that stays narrow after a reseat is a board or slot fault.", HealthAction.Drain);
            }

            // An idle GPU lowers its link generation to save power and raises it under load; a lower generation is only news under load.
            string note = device.PcieGeneration < device.PcieMaxGeneration ? " (a lower generation at idle is normal power saving; Measure-GpuBandwidth reads it under load)" : string.Empty;
            return Make(gpu, name, CheckStatus.Passed, link + note + ".");
        }

        /// <summary>Replays since the driver loaded from which the count alone is a warning, however slowly it grew.</summary>
        internal const uint ManyReplays = 1000;

        internal const string ReplaysCheck = "PCIe replays";

        /// <summary>The check a GPU gets when NVML hangs on it; the load levels leave such a GPU alone.</summary>
        internal const string NvmlAnswersCheck = "NVML answers";

        /// <summary>NVML's PCIe replay count, or null where it keeps none.</summary>
        internal static uint? ReadReplays(Nvml nvml, IntPtr handle) =>
            nvml.DeviceGetUInt("nvmlDeviceGetPcieReplayCounter", handle, out uint replays) == NvmlReturn.NVML_SUCCESS ? replays : (uint?)null;

        // A few replays over a board's uptime are normal (an H100 showed 3 after a reboot); what matters is the rate.
        // Quick reads the count here and again after the Xid watch (ReplaysDuring); DCGM warns at 8 a minute.
        private static GpuHealthCheck PcieReplays(Nvml nvml, IntPtr handle, int gpu)
        {
            NvmlReturn r = nvml.DeviceGetUInt("nvmlDeviceGetPcieReplayCounter", handle, out uint replays);
            if (r != NvmlReturn.NVML_SUCCESS) return Make(gpu, ReplaysCheck, CheckStatus.Skipped, $"NVML gives no PCIe replay count here ({Text(r)}).");
            if (replays == 0) return Make(gpu, ReplaysCheck, CheckStatus.Passed, "No PCIe packets replayed since the driver loaded.");
            string since = string.Format(CultureInfo.InvariantCulture, "{0} PCIe packet(s) replayed since the driver loaded (link errors the link layer corrected)", replays);
            if (replays >= ManyReplays)
                return Make(gpu, ReplaysCheck, CheckStatus.Warning, since + ".", "Watch whether the count grows under load (DCGM warns at 8 replays a minute); a growing count points at the slot, riser or cable.", HealthAction.Watch);
            return Make(gpu, ReplaysCheck, CheckStatus.Passed, since + "; a few over the uptime are normal.");
        }

        /// <summary>Replays a minute under load from which growth is a warning (DCGM's PCIe replay threshold).</summary>
        internal const double ReplaysPerMinuteUnderLoad = 8;

        /// <summary>
        /// The replay check again after the watch. Over a short Quick check any growth is news (an idle link should
        /// replay nothing); over a minute or more of load (Standard, Long), a few replays are tolerated and growth
        /// warns from DCGM's 8 a minute.
        /// </summary>
        internal static GpuHealthCheck? ReplaysDuring(int gpu, uint? before, uint? after, TimeSpan window)
        {
            if (before is not uint first || after is not uint last || last <= first) return null;
            uint grew = last - first;
            string figures = string.Format(CultureInfo.InvariantCulture, "{0} PCIe packet(s) replayed during the {1:0.#} s check ({2} since the driver loaded)", grew, window.TotalSeconds, last);
            if (window.TotalSeconds >= 60 && grew / window.TotalMinutes < ReplaysPerMinuteUnderLoad)
                return Make(gpu, ReplaysCheck, CheckStatus.Passed, figures + string.Format(CultureInfo.InvariantCulture, ": {0:0.#} a minute under load, below DCGM's {1:0} a minute.", grew / window.TotalMinutes, ReplaysPerMinuteUnderLoad));
            return Make(gpu, ReplaysCheck, CheckStatus.Warning, figures + ": the link is taking errors now.",
                "Drain if it keeps growing under load (DCGM warns at 8 replays a minute); reseat the board, riser or cable.", HealthAction.Watch);
        }

        private static GpuHealthCheck ClockEvents(Nvml nvml, IntPtr handle, int gpu)
        {
            const string name = "Clock slowdown";
            NvmlReturn r = nvml.nvmlDeviceGetCurrentClocksEventReasons(handle, out ulong mask);
            if (r != NvmlReturn.NVML_SUCCESS) return Make(gpu, name, CheckStatus.Skipped, $"NVML gives no clock-event reasons here ({Text(r)}).");
            string[] reasons = ClockEventReasons.Decode(mask);
            string list = reasons.Length == 0 ? "none" : string.Join(", ", reasons);
            // Hardware slowdowns (thermal, power brake, the slowdown line) mean cooling or power delivery is failing.
            string[] hardware = reasons.Where(n => n.StartsWith("Hw", StringComparison.Ordinal)).ToArray();
            if (hardware.Length > 0)
            {
                return Make(gpu, name, CheckStatus.Failed, "The GPU is slowing its clocks for a hardware reason: " + string.Join(", ", hardware) + $" (all reasons: {list}).",
                    "Drain the node; check the fans, airflow and inlet temperature, and the power cables and supply (HwPowerBrakeSlowdown is the board's power brake).", HealthAction.Drain);
            }

            if (reasons.Contains("SwThermalSlowdown"))
                return Make(gpu, name, CheckStatus.Warning, $"The driver is slowing the clocks to hold the temperature (reasons: {list}).", "Improve cooling or airflow; sustained throttling lowers every figure.", HealthAction.Watch);
            return Make(gpu, name, CheckStatus.Passed, $"No thermal or power slowdown (reasons: {list}).");
        }

        private static GpuHealthCheck PowerLimit(Nvml nvml, IntPtr handle, int gpu)
        {
            const string name = "Power limit";
            NvmlReturn r = nvml.DeviceGetUInt("nvmlDeviceGetEnforcedPowerLimit", handle, out uint enforced);
            NvmlReturn d = nvml.DeviceGetUInt("nvmlDeviceGetPowerManagementDefaultLimit", handle, out uint standard);
            if (r != NvmlReturn.NVML_SUCCESS || d != NvmlReturn.NVML_SUCCESS || standard == 0)
                return Make(gpu, name, CheckStatus.Skipped, $"NVML gives no enforced or default power limit here ({Text(r)}, {Text(d)}).");
            string figures = string.Format(CultureInfo.InvariantCulture, "{0:0} W enforced, {1:0} W by default", enforced / 1000.0, standard / 1000.0);
            if (enforced < standard * 0.95)
            {
                return Make(gpu, name, CheckStatus.Warning, figures + ": the GPU is capped below its default, so it runs slower under load.",
                    string.Format(CultureInfo.InvariantCulture, "If the cap is not intended: sudo nvidia-smi -i {0} -pl {1:0}", gpu, standard / 1000.0), HealthAction.Configure);
            }

            return Make(gpu, name, CheckStatus.Passed, figures + ".");
        }

        private static GpuHealthCheck Temperature(Nvml nvml, IntPtr handle, CudaDevice device, int gpu)
        {
            const string name = "Temperature";
            if (device.TemperatureC is not int now) return Make(gpu, name, CheckStatus.Skipped, "NVML gives no temperature for this GPU.");
            NvmlReturn r = nvml.nvmlDeviceGetTemperatureThreshold(handle, Nvml.TemperatureThresholdSlowdown, out uint slowdown);
            if (r != NvmlReturn.NVML_SUCCESS || slowdown == 0) return Make(gpu, name, CheckStatus.Passed, $"{now} C (NVML gives no slowdown threshold here: {Text(r)}).");
            string figures = string.Format(CultureInfo.InvariantCulture, "{0} C, slowdown at {1} C", now, slowdown);
            if (now >= slowdown) return Make(gpu, name, CheckStatus.Failed, figures + ": the GPU is at its slowdown temperature.", "Drain the node and fix the cooling (fans, airflow, inlet temperature).", HealthAction.Drain);
            if (now >= slowdown - 10) return Make(gpu, name, CheckStatus.Warning, figures + ": within 10 C of slowing down.", "Check the cooling before the node takes heavy jobs.", HealthAction.Watch);
            return Make(gpu, name, CheckStatus.Passed, figures + ".");
        }

        private static GpuHealthCheck Persistence(CudaDevice device, int gpu)
        {
            const string name = "Persistence mode";
            if (device.PersistenceMode is not bool on) return Make(gpu, name, CheckStatus.Skipped, "NVML gives no persistence mode here (Windows has none; the driver stays loaded there).");
            return on
                ? Make(gpu, name, CheckStatus.Passed, "Enabled: the driver keeps the GPU initialised between jobs.")
                : Make(gpu, name, CheckStatus.Warning, "Disabled: the driver tears the GPU down when the last program exits, so every job pays the start-up and settings can reset.",
                    "Run the nvidia-persistenced service (or sudo nvidia-smi -pm 1).", HealthAction.Configure);
        }

        private static GpuHealthCheck Mig(Nvml nvml, IntPtr handle, CudaDevice device)
        {
            const string name = "MIG mode";
            int gpu = device.Index;
            NvmlReturn r = nvml.DeviceGetCurrentAndPending("nvmlDeviceGetMigMode", handle, out uint current, out uint pending);
            if (r != NvmlReturn.NVML_SUCCESS) return Make(gpu, name, CheckStatus.Skipped, $"Not a MIG-capable GPU ({Text(r)}).");
            if (current != pending)
            {
                // The GPU works in its current mode; the change is a setting to finish (or undo) when convenient.
                return Make(gpu, name, CheckStatus.Warning, $"MIG is {(current != 0 ? "on" : "off")} now and {(pending != 0 ? "on" : "off")} after the next reset: a change waits for a GPU reset.",
                    $"When the GPU is idle, reset it (sudo nvidia-smi -r -i {gpu}) to finish the change, or set it back.", HealthAction.Configure);
            }

            return current != 0
                ? Make(gpu, name, CheckStatus.Passed, MigDetail(device), MigRemedy)
                : Make(gpu, name, CheckStatus.Passed, "MIG is off: jobs see the whole GPU, and every check covers all of it.");
        }

        private const string MigRemedy = "To test the whole GPU, check it while MIG is off; to test another MIG device, run with CUDA_VISIBLE_DEVICES=MIG-<uuid> (Get-CudaDevice | Select-Object -ExpandProperty MigDevices lists them).";

        // What MIG changes about this report: which readings are the GPU's, which the instance's, and what is not checked.
        internal static string MigDetail(CudaDevice device)
        {
            var text = new System.Text.StringBuilder();
            text.Append(device.MigDevices.Count == 0
                ? "MIG is on with no MIG device made yet, so no job can run on this GPU."
                : string.Format(CultureInfo.InvariantCulture, "MIG is on with {0} MIG device(s): {1}.", device.MigDevices.Count,
                    string.Join(", ", device.MigDevices.Select(m => $"{m.Profile ?? "unknown profile"} (GPU instance {m.GpuInstanceId}, {m.Uuid})"))));
            if (device.MigParentUuid != null)
            {
                text.Append(string.Format(CultureInfo.InvariantCulture, " This process's CUDA device {0} is MIG device {1} ({2} SMs, {3:0.0} GiB).",
                    device.Index, device.MigProfile ?? device.Uuid, device.MultiprocessorCount, device.TotalMemory / 1073741824.0));
            }

            text.Append(" Inside MIG: ECC, memory repair, PCIe, clocks, power, temperature and Xids are the whole GPU's (read on the GPU);"
                + " NVML gives no utilization per MIG device; the Standard and Long levels (GEMM stress, memory test) run only on the MIG device"
                + " CUDA shows this process, so they cover its share of SMs and memory, not the GPU; DCGM's diagnostic (dcgmi diag) does not run on GPUs in MIG mode.");
            return text.ToString();
        }

        private static GpuHealthCheck Processes(CudaDevice device, int gpu)
        {
            const string name = "Processes";
            if (device.Processes.Count == 0) return Make(gpu, name, CheckStatus.Passed, "No compute process on the GPU.");
            string who = string.Join(", ", device.Processes.Take(3).Select(p => p.ToString()));
            ulong bytes = (ulong)device.Processes.Sum(p => (double)(p.UsedMemory ?? 0));
            // Work on a GPU is not a fault (Quick runs beside jobs), but it lowers every figure a load check measures.
            return Make(gpu, name, CheckStatus.Warning, string.Format(CultureInfo.InvariantCulture, "{0} process(es) on the GPU, holding {1:0} MiB: {2}{3}.", device.Processes.Count, bytes / 1048576.0, who, device.Processes.Count > 3 ? ", ..." : string.Empty),
                "Nothing to do while they are your jobs. Before a Standard or Long check, let them finish or stop them: they share the GPU with the stress and lower its figures (Get-GpuProcess shows them).", HealthAction.Watch);
        }
    }
}
