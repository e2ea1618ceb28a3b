using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Benchmarks;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The Standard and Long levels' checks of one GPU, from what the stress, the load watch, the short bandwidth
    /// runs and the memory test found. Wrong data fails wherever it shows (a GEMM word, a peer's bits, a copy, a
    /// memory word). A slow GPU is a Warning with Watch, since it still computes right: more than 10% below the
    /// median of its peers (same model in the same host); below half the card table's dense peak (cuBLASLt reaches
    /// 60-80% of it on healthy, well-cooled cards); device copy traffic below 70% of the theoretical memory
    /// bandwidth and host-to-device below 50% of the PCIe link's (healthy H100s reach about 90% and 85%).
    /// </summary>
    internal static class LoadHealthChecks
    {
        internal const double PeerShortfall = 0.10;
        internal const double PeakFloor = 0.50;
        internal const double MemoryFloorPercent = 70;
        internal const double HostLinkFloorPercent = 50;

        private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        public static GpuHealthCheck GemmResults(StressOutcome o, TimeSpan timeout)
        {
            const string name = "GEMM results";
            int gpu = o.Index;
            if (DidNotFinish(gpu, name, "GEMM stress", o.Hung, o.Failure, timeout,
                "If other programs hold the GPU's memory, run the check on an idle node; otherwise drain it and check dmesg for Xid errors.") is GpuHealthCheck unfinished) return unfinished;

            string run = F("{0:N0} {1} GEMMs of {2}x{2}x{2} in {3:0.0} s", o.Calls, o.DataType, o.Size, o.Seconds);
            if (o.ReferenceFailure != null)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed, "The first result does not match a double-precision CPU reference: " + o.ReferenceFailure,
                    "Drain the node: the GPU computes wrong results. Run Test-GpuHealth -Level Long; if it fails again, replace the board.", HealthAction.Drain);
            }

            if (o.FaultyResults > 0)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed,
                    F("{0}: {1:N0} of {2:N0} results differed from the first result ({3:N0} 32-bit words in all). The same GEMM on the same inputs must give the same bits, so this is a silent compute or memory fault.", run, o.FaultyResults, o.Compared, o.FaultyWords),
                    "Drain the node: jobs on this GPU can get wrong numbers without an error. Run Test-GpuHealth -Level Long; if results differ again, replace the board.", HealthAction.Drain);
            }

            return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed,
                F("{0}; all {1:N0} results matched the first bit for bit, and the first matched a double CPU reference on sampled elements (relative error {2:E1}).", run, o.Compared, o.ReferenceError ?? 0));
        }

        public static GpuHealthCheck Throughput(StressOutcome o)
        {
            const string name = "GEMM throughput";
            if (o.Tflops is not double tflops) return QuickHealthChecks.Make(o.Index, name, CheckStatus.Skipped, "No throughput: the stress did not run to the end.");
            string measured = F("{0:0.0} TFLOPS {1} (median of {2} timed batches of {3} back-to-back GEMMs after a {4:0.#} s warm-up)", tflops, o.DataType, o.CallMilliseconds.Count, o.ResultsPerBatch, o.Seconds / 10);
            if (o.PeakTflops is not double peak || peak <= 0)
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Passed, measured + F("; the card table has no {0} peak for {1}, so it is compared with its peers only.", o.DataType, o.Device.Name));
            double share = tflops / peak;
            string figures = measured + F(", {0:0.0}% of the {1:0} TFLOPS dense peak", 100 * share, peak);
            if (share < PeakFloor)
            {
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Warning, figures + F(": below {0:0}% of it, where healthy cards reach 60-80%.", 100 * PeakFloor),
                    "Look at the clocks and power check: a power cap, locked clocks, thermal slowdown or a busy GPU lowers it. If none explains it, have the board looked at.", HealthAction.Watch);
            }

            return QuickHealthChecks.Make(o.Index, name, CheckStatus.Passed, figures + ".");
        }

        /// <summary>Each GPU against the median of the other GPUs of the same model in this host.</summary>
        public static GpuHealthCheck AgainstPeers(StressOutcome o, IReadOnlyList<StressOutcome> all)
        {
            const string name = "GEMM vs peers";
            if (o.Tflops is not double tflops) return QuickHealthChecks.Make(o.Index, name, CheckStatus.Skipped, "No throughput to compare.");
            double[] peers = all.Where(p => p.Index != o.Index && p.Device.Name == o.Device.Name && p.DataType == o.DataType && p.Size == o.Size && p.Tflops.HasValue)
                .Select(p => p.Tflops.GetValueOrDefault()).OrderBy(t => t).ToArray();
            if (peers.Length == 0) return QuickHealthChecks.Make(o.Index, name, CheckStatus.Skipped, F("No other {0} in this host ran the stress, so there is no peer to compare with.", o.Device.Name));
            double median = Statistics.MedianOfSorted(peers);
            double ratio = tflops / median;
            string figures = F("{0:0.0} TFLOPS against a median of {1:0.0} for the other {2} GPU(s) of this model: {3:0.0}%", tflops, median, peers.Length, 100 * ratio);
            if (ratio < 1 - PeerShortfall)
            {
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Warning, figures + F(", more than {0:0}% below its peers.", 100 * PeerShortfall),
                    "Compare its clocks, power and temperature with the others' (the clocks and power check); a GPU slower than identical neighbours usually has a cooling, power-cable or board fault.", HealthAction.Watch);
            }

            return QuickHealthChecks.Make(o.Index, name, CheckStatus.Passed, figures + ".");
        }

        /// <summary>
        /// Each GPU's first result against its peers': the same model (and SM count), type, size and cuBLASLt algorithm
        /// must give the same bits. A GPU outvoted by a majority fails; two that disagree with no majority both warn.
        /// </summary>
        public static GpuHealthCheck PeerResults(StressOutcome o, IReadOnlyList<StressOutcome> all)
        {
            const string name = "Peer results";
            if (o.FirstResultHash is not ulong own) return QuickHealthChecks.Make(o.Index, name, CheckStatus.Skipped, "No first result to compare.");
            StressOutcome[] group = all.Where(p => p.FirstResultHash.HasValue && p.Device.Name == o.Device.Name && p.Device.MultiprocessorCount == o.Device.MultiprocessorCount
                                                   && p.DataType == o.DataType && p.Size == o.Size && p.Algorithm == o.Algorithm).ToArray();
            if (group.Length < 2)
            {
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Skipped,
                    F("No other {0} in this host ran the same GEMM with the same algorithm, so there is no result to compare with.", o.Device.Name));
            }

            var votes = group.GroupBy(p => p.FirstResultHash.GetValueOrDefault()).OrderByDescending(g => g.Count()).ToArray();
            int agree = group.Count(p => p.FirstResultHash == own) - 1;
            string others = string.Join(", ", group.Where(p => p.Index != o.Index).Select(p => p.Index.ToString(CultureInfo.InvariantCulture)));
            if (agree == group.Length - 1)
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Passed, F("The first result is bit for bit the same as GPU {0}'s (same model, algorithm and inputs).", others));
            bool majority = votes[0].Count() > group.Length / 2;
            if (majority && votes[0].Key == own)
            {
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Passed,
                    F("The first result agrees with the majority of this model's GPUs; GPU {0} differ(s) and fail(s) this check.", string.Join(", ", group.Where(p => p.FirstResultHash != own).Select(p => p.Index.ToString(CultureInfo.InvariantCulture)))));
            }

            if (majority)
            {
                return QuickHealthChecks.Make(o.Index, name, CheckStatus.Failed,
                    F("The first result differs from that of {0} of the other {1} GPU(s) of this model ({2}), which agree with each other: this GPU computes wrong results the same way every time, which comparing it with itself cannot show.", votes[0].Count(), group.Length - 1, others),
                    "Drain the node: jobs on this GPU get wrong numbers without an error. Run Test-GpuHealth -Level Long; if it is outvoted again, replace the board.", HealthAction.Drain);
            }

            // One of them computes wrong results and the check cannot tell which: both fail (Drain: a fault it cannot place).
            return QuickHealthChecks.Make(o.Index, name, CheckStatus.Failed,
                F("The first result differs from GPU {0}'s and no majority says which is right (same model, algorithm and inputs must give the same bits).", string.Join(", ", group.Where(p => p.FirstResultHash != own).Select(p => p.Index.ToString(CultureInfo.InvariantCulture)))),
                "Drain the node and run the check on a host with a third GPU of this model, or compare the GPUs' results in a job; one of them computes wrong results.", HealthAction.Drain);
        }

        public static GpuHealthCheck ClocksAndPower(int gpu, LoadFigures? load)
        {
            const string name = "Clocks and power";
            if (load == null || load.Samples == 0) return QuickHealthChecks.Make(gpu, name, CheckStatus.Skipped, "NVML gave no samples during the stress.");
            string figures = F("{0} sample(s): SM clock median {1} MHz ({2}-{3}); power median {4} W, peak {5} W of a {6} W limit; peak temperature {7} C",
                load.Samples, Text(load.MedianSmClockMHz), Text(load.MinSmClockMHz), Text(load.MaxSmClockMHz), Text(load.MedianPowerW), Text(load.MaxPowerW), Text(load.PowerLimitW), Text(load.MaxTemperatureC));
            string reasons = load.Reasons.Count == 0 ? "no slowdown reason" : "slowdown reasons " + string.Join(", ", load.Reasons.OrderByDescending(r => r.Value).Select(r => F("{0} in {1}", r.Key, r.Value)));
            string[] hardware = load.Reasons.Keys.Where(r => r.StartsWith("Hw", StringComparison.Ordinal)).ToArray();
            if (hardware.Length > 0)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed, figures + "; " + reasons + ": the GPU slowed for a hardware reason under load.",
                    "Drain the node; check fans, airflow, inlet temperature, power cables and the supply (HwPowerBrakeSlowdown is the board's power brake).", HealthAction.Drain);
            }

            if (load.Reasons.ContainsKey("SwThermalSlowdown"))
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Warning, figures + "; " + reasons + ": the driver held the clocks down to hold the temperature.",
                    "Improve cooling or airflow before the node takes long jobs.", HealthAction.Watch);
            }

            string note = load.Reasons.ContainsKey("SwPowerCap") ? " (SwPowerCap under a full GEMM load is normal: the GPU runs at its power limit)" : string.Empty;
            return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, figures + "; " + reasons + note + ".");
        }

        /// <summary>ECC counts that grew while the GPU was under load; null where NVML keeps none.</summary>
        public static GpuHealthCheck? EccUnderLoad(int gpu, LoadFigures? load, string name, string during)
        {
            if (load?.UncorrectedEccGrowth is not ulong uncorrected) return null;
            ulong corrected = load.CorrectedEccGrowth ?? 0;
            if (uncorrected > 0)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed, F("{0} uncorrectable ECC error(s) during {1}.", uncorrected, during),
                    $"Drain the node and reset the GPU (sudo nvidia-smi -r -i {gpu}) so the row is remapped; replace the board if it recurs.", HealthAction.ResetGpu);
            }

            if (corrected > 0)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Warning, F("{0} corrected ECC error(s) during {1} (none uncorrectable).", corrected, during),
                    "Watch the corrected count (nvidia-smi -q -d ECC); a count that keeps growing precedes uncorrectable errors.", HealthAction.Watch);
            }

            return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, F("No ECC error, corrected or not, during {0}.", during));
        }

        public static GpuHealthCheck MemoryBandwidth(int gpu, BandwidthResult? copy, Exception? failure)
        {
            const string name = "Memory bandwidth";
            if (WrongData(gpu, name, "device copy", failure) is GpuHealthCheck wrong) return wrong;
            if (copy == null) return QuickHealthChecks.Make(gpu, name, CheckStatus.Warning, "The device copy could not be measured: " + (failure?.Message ?? "no result"), "Run Measure-GpuBandwidth -Test device_local_copy_sm for the details.", HealthAction.Watch);
            string figures = F("Device copy {0:0} GB/s counted once, {1:0} GB/s of memory traffic", copy.GBps, copy.TrafficGBps);
            if (copy.PercentOfTheoretical is not double percent) return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, figures + " (no theoretical figure for this card).");
            figures += F(", {0:0.0}% of the theoretical {1:0} GB/s", percent, copy.TheoreticalGBps);
            if (percent < MemoryFloorPercent)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Warning, figures + F(": below {0:0}%, where healthy GPUs reach 80-90%.", MemoryFloorPercent),
                    "Check the memory clock (nvidia-smi -q -d CLOCK) and whether other programs use the GPU; if neither explains it, have the board looked at.", HealthAction.Watch);
            }

            return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, figures + ".");
        }

        public static GpuHealthCheck HostToDevice(int gpu, BandwidthResult? h2d, Exception? failure)
        {
            const string name = "Host-to-device";
            if (WrongData(gpu, name, "pinned host-to-device copy", failure) is GpuHealthCheck wrong) return wrong;
            if (h2d == null) return QuickHealthChecks.Make(gpu, name, CheckStatus.Warning, "The pinned host-to-device copy could not be measured: " + (failure?.Message ?? "no result"), "Run Measure-GpuBandwidth -Test host_to_device_memcpy_ce for the details.", HealthAction.Watch);
            string figures = F("Pinned host-to-device {0:0.0} GB/s", h2d.GBps);
            string note = Strings.IsNullOrWhiteSpace(h2d.Note) ? string.Empty : " (" + h2d.Note + ")";
            if (h2d.PercentOfTheoretical is not double percent) return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, figures + " (no theoretical figure for the link)" + note + ".");
            figures += F(", {0:0.0}% of the link's {1:0.0} GB/s ({2})", percent, h2d.TheoreticalGBps, h2d.TheoreticalBasis);
            if (percent < HostLinkFloorPercent)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Warning, figures + note + F(": below {0:0}%, where healthy links reach 75-90%.", HostLinkFloorPercent),
                    "Check the link under load (Get-CudaDevice shows generation and width), the CPU socket the GPU hangs off (Get-GpuTopology) and the slot or riser.", HealthAction.Watch);
            }

            return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, figures + note + ".");
        }

        public static GpuHealthCheck DeviceMemory(MemoryTestOutcome o, TimeSpan timeout)
        {
            const string name = "Memory test";
            int gpu = o.Index;
            if (DidNotFinish(gpu, name, "memory test", o.Hung, o.Failure, timeout,
                "Run it on an idle node (other programs' memory is not tested and may leave too little); drain the node and check dmesg if the GPU itself refuses.") is GpuHealthCheck unfinished) return unfinished;

            string covered = F("{0} pattern(s) in {1} pass(es) over {2:0.0} GiB of the {3:0.0} GiB free ({4:0.0} s, {5:0} GB/s written and read)",
                o.PatternsChecked, o.Passes, o.TestedBytes / 1073741824.0, o.FreeBytes / 1073741824.0, o.Seconds, o.GBps ?? 0);
            if (o.BadWords > 0)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed,
                    F("{0}: {1:N0} word(s) read back wrong; the first at byte {2:N0} of the tested memory in the {3} pattern; bits that differed 0x{4:X8}.", covered, o.BadWords, o.FirstBadOffset ?? 0, o.FirstBadPattern, o.BadBits),
                    $"Drain the node and reset the GPU (sudo nvidia-smi -r -i {gpu}) so the driver can remap the rows; run -Level Long again, and replace the board if memory still fails.", HealthAction.ResetGpu);
            }

            return QuickHealthChecks.Make(gpu, name, CheckStatus.Passed, covered + "; every word read back as written.");
        }

        /// <summary>
        /// The failed check of a copy whose data came back wrong (the bandwidth engine verifies every run); null for
        /// any other outcome. One wrong word fails "GEMM results", so wrong memory data fails too.
        /// </summary>
        private static GpuHealthCheck? WrongData(int gpu, string name, string copy, Exception? failure)
        {
            if (!(failure is BandwidthVerificationException wrong)) return null;
            return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed, F("The {0} read back data other than what was written: {1}", copy, wrong.Message),
                "Drain the node: jobs on this GPU can get wrong data without an error. Run Test-GpuHealth -Level Long to test the memory word by word; reset the GPU if it fails, and replace the board if it fails again.", HealthAction.Drain);
        }

        /// <summary>The failed check of a GPU worker that hung (RebootNode) or could not run (Drain); null when it ran.</summary>
        private static GpuHealthCheck? DidNotFinish(int gpu, string name, string work, bool hung, Exception? failure, TimeSpan timeout, string failureRemedy)
        {
            if (hung)
            {
                return QuickHealthChecks.Make(gpu, name, CheckStatus.Failed, F("The {0} did not come back within {1:0} s of its end: the GPU or its driver is hung.", work, timeout.TotalSeconds),
                    "Drain the node, check dmesg for Xid errors (grep NVRM: Xid) and reboot it.", HealthAction.RebootNode);
            }

            return failure == null ? null : QuickHealthChecks.Make(gpu, name, CheckStatus.Failed, F("The {0} could not run: {1}", work, failure.Message), failureRemedy, HealthAction.Drain);
        }

        private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

        private static string Text(double? value) => value?.ToString("0", CultureInfo.InvariantCulture) ?? "?";
    }
}
