using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The text of one Watch-Gpu screen: a header, each GPU with bars (classic utilization and memory, then the
    /// GPM activities where the GPU has them), then the processes. Pure text, ASCII only, every line at most
    /// <c>width</c> characters, so it can be tested and logged as well as drawn.
    /// </summary>
    public static class WatchScreen
    {
        public const int DefaultWidth = 80;

        public static IReadOnlyList<string> Render(IReadOnlyList<GpuSample> samples, IReadOnlyList<GpuProcessUsage> processes,
            double intervalSeconds, bool interactive, int width = DefaultWidth)
        {
            var lines = new List<string>();
            DateTimeOffset when = samples.Count > 0 ? samples[0].Timestamp : DateTimeOffset.UtcNow;
            string host = (samples.Count > 0 ? samples[0].ComputerName : null) ?? Environment.MachineName;
            string quit = interactive ? "  q or Ctrl+C quits" : string.Empty;
            lines.Add($"{host}  {when.ToLocalTime():yyyy-MM-dd HH:mm:ss}  every "
                + $"{intervalSeconds.ToString("0.0#", CultureInfo.InvariantCulture)} s{quit}");
            foreach (GpuSample s in samples)
            {
                lines.Add(string.Empty);
                lines.Add(DeviceLine(s));
                lines.Add("  util " + Bar(s.GpuUtilizationPercent, 20) + " " + Percent(s.GpuUtilizationPercent) + "  mem "
                    + Bar(MemoryPercent(s), 20) + " " + MemoryText(s));
                if (s.GpmSmActivityPercent.HasValue || s.GpmTensorActivityPercent.HasValue)
                {
                    lines.Add("  SM   " + Bar(s.GpmSmActivityPercent, 20) + " " + Percent(s.GpmSmActivityPercent) + "  tensor "
                        + Bar(s.GpmTensorActivityPercent, 17) + " " + Percent(s.GpmTensorActivityPercent));
                    lines.Add("  DRAM " + Bar(s.GpmDramBandwidthPercent, 20) + " " + Percent(s.GpmDramBandwidthPercent) + "  occupancy "
                        + Percent(s.GpmSmOccupancyPercent)
                        + "  FP16/32/64 " + Whole(s.GpmFp16ActivityPercent) + "/" + Whole(s.GpmFp32ActivityPercent) + "/"
                            + Whole(s.GpmFp64ActivityPercent) + "%");
                }
                else
                {
                    lines.Add("  " + s.Source);
                }

                string traffic = "  PCIe rx " + Rate(s.PcieRxBytesPerSecond) + " tx " + Rate(s.PcieTxBytesPerSecond);
                if (s.NvLinkCount.HasValue) traffic += "  NVLink x" + s.NvLinkCount.Value.ToString(CultureInfo.InvariantCulture) + " rx "
                    + Rate(s.NvLinkRxBytesPerSecond) + " tx " + Rate(s.NvLinkTxBytesPerSecond);
                lines.Add(traffic);
                string[] held = s.ClockEventReasons.Where(r => r != "GpuIdle").ToArray();
                if (held.Length > 0) lines.Add("  clocks held by: " + string.Join(", ", held));
            }

            lines.Add(string.Empty);
            lines.Add("    PID GPU USER       MEMORY  SM% MEM% CONTAINER    COMMAND");
            if (processes.Count == 0) lines.Add("    (no compute processes)");
            foreach (GpuProcessUsage p in processes.OrderBy(p => p.Index).ThenByDescending(p => p.UsedMemory ?? 0))
            {
                lines.Add(string.Format(CultureInfo.InvariantCulture, "{0,7} {1,3} {2,-10} {3,6} {4,4} {5,4} {6,-12} {7}",
                    p.ProcessId, p.Index, Cut(p.UserName ?? "?", 10), Bytes(p.UsedMemory), Whole(p.SmUtilizationPercent),
                        Whole(p.MemoryUtilizationPercent),
                    p.ContainerId == null ? "-" : p.ContainerId.Substring(0, Math.Min(12, p.ContainerId.Length)),
                        p.CommandLine ?? p.ProcessName ?? "?"));
            }

            return lines.Select(l => Cut(l, width)).ToList();
        }

        private static string DeviceLine(GpuSample s)
        {
            string head = string.Format(CultureInfo.InvariantCulture, "{0,2} {1,-26}", s.Index, Cut(s.Name ?? "?", 26));
            string temp = s.TemperatureC.HasValue ? s.TemperatureC.Value.ToString(CultureInfo.InvariantCulture) + "C" : "-";
            // "0" formatting rounds half away from zero, as every view does (Math.Round's default, to even, made 72.5 W
            // read 72 here and 73 in Get-CudaDevice).
            string power = (s.PowerW.HasValue ? s.PowerW.Value.ToString("0", CultureInfo.InvariantCulture) : "-") + "/"
                + (s.PowerLimitW.HasValue ? s.PowerLimitW.Value.ToString("0", CultureInfo.InvariantCulture) : "-") + " W";
            string clocks = "SM " + Whole(s.SmClockMHz) + " mem " + Whole(s.MemoryClockMHz) + " MHz";
            return $"{head} {temp,4} {power,11}  {clocks}";
        }

        /// <summary>"[####......]" with <paramref name="width"/> cells between the brackets; all dots when unknown.</summary>
        public static string Bar(double? percent, int width)
        {
            int filled = percent.HasValue ? (int)Math.Round(Math.Max(0, Math.Min(100, percent.Value)) * width / 100.0) : 0;
            return "[" + new string('#', filled) + new string('.', width - filled) + "]";
        }

        private static double? MemoryPercent(GpuSample s) =>
            s.MemoryUsed.HasValue && s.MemoryTotal.HasValue && s.MemoryTotal.Value > 0
                ? 100.0 * s.MemoryUsed.Value / s.MemoryTotal.Value : (double?)null;

        private static string MemoryText(GpuSample s) =>
            s.MemoryUsed.HasValue && s.MemoryTotal.HasValue
                ? (s.MemoryUsed.Value / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture) + "/"
                    + (s.MemoryTotal.Value / 1073741824.0).ToString("0", CultureInfo.InvariantCulture) + " GiB"
                : "-";

        private static string Percent(double? value) =>
            value.HasValue ? Math.Round(value.Value).ToString(CultureInfo.InvariantCulture).PadLeft(3) + "%" : "   -";

        private static string Percent(int? value) => Percent((double?)value);

        private static string Whole(double? value) => value.HasValue ? Math.Round(value.Value).ToString(CultureInfo.InvariantCulture) : "-";

        private static string Whole(int? value) => Whole((double?)value);

        private static string Rate(double? bytesPerSecond)
        {
            if (!bytesPerSecond.HasValue) return "-";
            double v = bytesPerSecond.Value;
            if (v >= 1e9) return (v / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB/s";
            if (v >= 1e6) return (v / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB/s";
            return (v / 1e3).ToString("0", CultureInfo.InvariantCulture) + " kB/s";
        }

        private static string Bytes(ulong? bytes)
        {
            if (!bytes.HasValue) return "-";
            double mib = bytes.Value / 1048576.0;
            return mib >= 10240 ? (mib / 1024).ToString("0.0", CultureInfo.InvariantCulture) + "G"
                : mib.ToString("0", CultureInfo.InvariantCulture) + "M";
        }

        /// <summary>
        /// The text within <paramref name="width"/> characters; a cut one ends in '…', so a shortened command or name reads as shortened.
        /// </summary>
        private static string Cut(string text, int width) =>
            text.Length <= width ? text : width <= 1 ? text.Substring(0, Math.Max(0, width)) : text.Substring(0, width - 1) + "\u2026";
    }
}
