using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// What the OS tells about the CPU: model, vendor and family, physical and logical cores, instruction-set flags
    /// and a clock with where it came from. Linux: /proc/cpuinfo and cpufreq's cpuinfo_max_freq when present (under
    /// a hypervisor there is often no cpufreq, and cpuinfo's MHz is the TSC rate). Elsewhere only the logical count
    /// is known, and the peak is reported as unknown.
    /// </summary>
    internal sealed class CpuFacts
    {
        private static readonly char[] FlagSeparators = { ' ' };

        public string Model { get; set; } = "CPU";

        public string Vendor { get; set; } = string.Empty;

        public int Family { get; set; } = -1;

        public int ModelNumber { get; set; } = -1;

        public int LogicalCores { get; set; }

        public int PhysicalCores { get; set; }

        /// <summary>Instruction-set flags in lower case (avx2, fma, avx512f, avx512_bf16, amx_bf16, ...).</summary>
        public IReadOnlyCollection<string> Flags { get; set; } = Array.Empty<string>();

        /// <summary>Clock used for the peak, in GHz; null when unknown.</summary>
        public double? ClockGHz { get; set; }

        /// <summary>Where the clock came from, in words.</summary>
        public string ClockSource { get; set; } = "unknown";

        public bool Has(string flag) => Flags.Contains(flag);

        /// <summary>This machine's CPU.</summary>
        public static CpuFacts Current()
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                try
                {
                    string? maxFreq = ReadOrNull("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
                    return ParseLinux(File.ReadAllText("/proc/cpuinfo"), maxFreq, Environment.ProcessorCount);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Falls through to what the runtime knows.
                }
            }

            return new CpuFacts
            {
                Model = Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "CPU",
                LogicalCores = Environment.ProcessorCount,
                PhysicalCores = Environment.ProcessorCount,
                ClockSource = "unknown (read from /proc/cpuinfo on Linux only)",
            };
        }

        /// <summary>
        /// Parses /proc/cpuinfo text; <paramref name="cpufreqMaxKHz"/> is cpuinfo_max_freq's text (null when absent).
        /// Physical cores: distinct (physical id, core id) pairs; where those are missing, "cpu cores" times the
        /// sockets; else the logical count.
        /// </summary>
        public static CpuFacts ParseLinux(string cpuinfo, string? cpufreqMaxKHz, int logicalFallback)
        {
            if (cpuinfo == null) throw new ArgumentNullException(nameof(cpuinfo));
            var facts = new CpuFacts();
            var cores = new HashSet<string>(StringComparer.Ordinal);
            var sockets = new HashSet<string>(StringComparer.Ordinal);
            int logical = 0, coresPerSocket = 0;
            string physical = "0";
            double? mhz = null;
            foreach (string raw in cpuinfo.Split('\n'))
            {
                int colon = raw.IndexOf(':');
                if (colon < 0) continue;
                string key = raw.Substring(0, colon).Trim();
                string value = raw.Substring(colon + 1).Trim();
                switch (key)
                {
                    case "processor": logical++; break;
                    case "model name": facts.Model = value; break;
                    case "vendor_id": facts.Vendor = value; break;
                    case "cpu family": facts.Family = ParseInt(value); break;
                    case "model": facts.ModelNumber = ParseInt(value); break;
                    case "flags":
                    case "Features":
                        facts.Flags = new HashSet<string>(value.ToLowerInvariant()
                            .Split(FlagSeparators, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
                        break;
                    case "physical id": physical = value; sockets.Add(value); break;
                    case "core id": cores.Add(physical + "/" + value); break;
                    case "cpu cores": coresPerSocket = ParseInt(value); break;
                    case "cpu MHz":
                        if (mhz == null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0)
                            mhz = m;
                        break;
                }
            }

            facts.LogicalCores = logical > 0 ? logical : logicalFallback;
            facts.PhysicalCores = cores.Count > 0 ? cores.Count : coresPerSocket > 0
                ? coresPerSocket * Math.Max(1, sockets.Count) : facts.LogicalCores;
            if (cpufreqMaxKHz != null
                && double.TryParse(cpufreqMaxKHz.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double khz) && khz > 0)
            {
                facts.ClockGHz = khz / 1e6;
                facts.ClockSource = "cpufreq's cpuinfo_max_freq (the highest clock the OS may set; all-core turbo is often lower)";
            }
            else if (mhz != null)
            {
                facts.ClockGHz = mhz.Value / 1000;
                facts.ClockSource = "/proc/cpuinfo's MHz (no cpufreq here, as under most hypervisors: the current or TSC clock; turbo may "
                    + "run higher, so the percentage may overstate)";
            }

            return facts;
        }

        private static int ParseInt(string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1;

        private static string? ReadOrNull(string path)
        {
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
