using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// What Start-GpuJob records for Stop-GpuJob, which runs in another process (a Slurm prolog and epilog): the job's
    /// name and start, and per GPU its UUID, energy counter and accounting mode. Kept as short "key=value" lines that
    /// <see cref="Parse"/> reads back strictly: anything else in the file makes it invalid.
    /// </summary>
    public sealed class JobState
    {
        private const string Header = "dlgputools-gpu-job 1";

        public string Name { get; set; } = string.Empty;

        public string? ComputerName { get; set; }

        public DateTimeOffset StartTime { get; set; }

        public List<JobStateGpu> Gpus { get; } = new List<JobStateGpu>();

        public string Format()
        {
            var text = new StringBuilder(Header).Append('\n');
            text.Append("name=").Append(Name).Append('\n');
            text.Append("host=").Append(OneLine(ComputerName)).Append('\n');
            text.Append("start=").Append(StartTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
            foreach (JobStateGpu gpu in Gpus)
            {
                text.Append("gpu=").Append(gpu.Index.ToString(CultureInfo.InvariantCulture))
                    .Append(';').Append(gpu.Uuid)
                    .Append(';').Append(gpu.EnergyMillijoules?.ToString(CultureInfo.InvariantCulture))
                    .Append(';').Append(gpu.AccountingEnabled.HasValue ? (gpu.AccountingEnabled.Value ? "1" : "0") : string.Empty)
                    .Append(';').Append(OneLine(gpu.Name))
                    .Append('\n');
            }

            return text.ToString();
        }

        /// <summary>The state in <paramref name="text"/>, or null when it is not exactly what <see cref="Format"/> writes.</summary>
        public static JobState? Parse(string text)
        {
            string[] lines = text.Split('\n');
            if (lines.Length < 5 || lines[0] != Header || lines[lines.Length - 1].Length != 0) return null;
            var state = new JobState();
            bool named = false, started = false;
            for (int i = 1; i < lines.Length - 1; i++)
            {
                string line = lines[i];
                int eq = line.IndexOf('=');
                if (eq <= 0) return null;
                string key = line.Substring(0, eq), value = line.Substring(eq + 1);
                switch (key)
                {
                    case "name" when !named && JobStateStore.IsValidName(value):
                        state.Name = value;
                        named = true;
                        break;
                    case "host":
                        state.ComputerName = value.Length == 0 ? null : value;
                        break;
                    case "start" when !started && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
                        && ms > 0 && ms < 253402300799000:
                        state.StartTime = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                        started = true;
                        break;
                    case "gpu" when state.Gpus.Count < 256:
                        JobStateGpu? gpu = JobStateGpu.Parse(value);
                        if (gpu == null) return null;
                        state.Gpus.Add(gpu);
                        break;
                    default:
                        return null;
                }
            }

            return named && started && state.Gpus.Count > 0 ? state : null;
        }

        private static string OneLine(string? text) => (PrintableText.Of(text) ?? string.Empty).Replace(';', ',');
    }

    /// <summary>One GPU of a <see cref="JobState"/>.</summary>
    public sealed class JobStateGpu
    {
        private static readonly char[] Separator = { ';' };

        public int Index { get; set; }

        public string Uuid { get; set; } = string.Empty;

        public string? Name { get; set; }

        public ulong? EnergyMillijoules { get; set; }

        public bool? AccountingEnabled { get; set; }

        internal static JobStateGpu? Parse(string value)
        {
            string[] parts = value.Split(Separator, 5);
            if (parts.Length != 5) return null;
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index > 4096) return null;
            if (!IsUuid(parts[1])) return null;
            ulong? energy = null;
            if (parts[2].Length > 0)
            {
                if (!ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong mj)) return null;
                energy = mj;
            }

            bool? accounting = parts[3] == "1" ? true : parts[3] == "0" ? false : (bool?)null;
            if (parts[3].Length > 0 && accounting == null) return null;
            return new JobStateGpu { Index = index, Uuid = parts[1], EnergyMillijoules = energy, AccountingEnabled = accounting,
                Name = parts[4].Length == 0 ? null : parts[4] };
        }

        private static bool IsUuid(string text)
        {
            if (text.Length == 0 || text.Length > 96) return false;
            foreach (char c in text)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
            }

            return true;
        }
    }
}
