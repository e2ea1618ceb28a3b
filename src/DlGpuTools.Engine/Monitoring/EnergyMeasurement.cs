using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The energy one or more GPUs used over a window of work, how it was measured and how exact it is; or, with no
    /// <see cref="Joules"/>, why there is no figure. Built by <see cref="EnergyBracket"/>.
    /// </summary>
    internal sealed class EnergyMeasurement
    {
        private const string CounterSource =
            "NVML energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ since the driver loaded) read before and after the work";

        // Unrounded, so the average power is not skewed by the rounding of its two parts.
        private readonly double? _joules;
        private readonly double _seconds;

        private EnergyMeasurement(EnergyMethod? method, double? joules, double seconds, double? uncertaintyJoules, double? updatePeriodMs,
            string note)
        {
            Method = method;
            _joules = joules;
            _seconds = seconds;
            Joules = joules is double j ? Math.Round(j, 3) : (double?)null;
            Seconds = Math.Round(seconds, 4);
            UncertaintyJoules = uncertaintyJoules is double u ? Math.Round(u, 3) : (double?)null;
            UpdatePeriodMs = updatePeriodMs is double p ? Math.Round(p, 1) : (double?)null;
            Note = note;
        }

        /// <summary>How <see cref="Joules"/> was measured; empty where nothing could be read.</summary>
        public EnergyMethod? Method { get; }

        /// <summary>Energy over the window, in joules; empty where there is no honest figure (<see cref="Note"/> says why).</summary>
        public double? Joules { get; }

        /// <summary>The window's wall-clock length, from the first reading to the last.</summary>
        public double Seconds { get; }

        /// <summary><see cref="Joules"/> over <see cref="Seconds"/>.</summary>
        public double? AveragePowerW => _joules is double j && _seconds > 0 ? Math.Round(j / _seconds, 1) : (double?)null;

        /// <summary>
        /// How far <see cref="Joules"/> may be off because the counter moves in steps: one update's energy at the average power.
        /// </summary>
        public double? UncertaintyJoules { get; }

        /// <summary>The counter's update period seen in the window (mean time between its changes); empty below two changes.</summary>
        public double? UpdatePeriodMs { get; }

        /// <summary>How the figure was measured and its resolution, or why there is none, in words.</summary>
        public string Note { get; }

        /// <summary>Nothing could be read (no NVML, the GPU not found in NVML, neither counter nor power readable).</summary>
        internal static EnergyMeasurement Unavailable(string why, double seconds) =>
            new EnergyMeasurement(null, null, seconds, null, null, "No energy figure: " + why + ".");

        /// <summary>
        /// From the counter read at the window's two ends. <paramref name="updates"/> is how many times polling saw it change
        /// and <paramref name="updatePeriodMs"/> the mean time between those changes; <paramref name="changedAtEveryRead"/>
        /// that no read found it unchanged (so it may update faster than it was read); <paramref name="wentBackFrom"/> and
        /// <paramref name="wentBackTo"/> a step backwards seen anywhere in the window (a driver reload restarts it from zero).
        /// </summary>
        internal static EnergyMeasurement FromCounter(ulong startMillijoules, ulong endMillijoules, double seconds, int updates,
            double? updatePeriodMs, bool changedAtEveryRead, ulong? wentBackFrom, ulong? wentBackTo, double pollMs)
        {
            string window = Ms(seconds * 1e3);
            if (wentBackFrom.HasValue || endMillijoules < startMillijoules)
            {
                ulong from = wentBackFrom ?? startMillijoules, to = wentBackTo ?? endMillijoules;
                return new EnergyMeasurement(EnergyMethod.EnergyCounter, null, seconds, null, updatePeriodMs, Text(
                    "No energy figure: NVML's energy counter went back from {0} mJ to {1} mJ during the {2} window, so the driver was "
                    + "reloaded (or the GPU reset) and the counter restarted; measure again.",
                    from, to, window));
            }

            ulong delta = endMillijoules - startMillijoules;
            if (delta == 0 && updates == 0)
            {
                return new EnergyMeasurement(EnergyMethod.EnergyCounter, null, seconds, null, null, Text(
                    "No energy figure: NVML's energy counter did not move during the {0} window (it moves only when the driver samples "
                    + "power); measure a longer window (more -Iterations).",
                    window));
            }

            double joules = delta / 1000.0;
            if (updatePeriodMs is double period && updates >= 2)
            {
                // Each read returns the value of the counter's last update, up to one period old; at a steady power both
                // ends lag alike, so the difference is off by at most one period's energy. A counter that changed at every
                // read may update faster than a busy host read it: the period seen, and the uncertainty, are then upper bounds.
                double uncertainty = period / 1e3 * (joules / Math.Max(seconds, 1e-9));
                string seen = changedAtEveryRead
                    ? Text("it changed at each of the {0} reads in {1} (one every {2}; the host read it less often than the {3} asked), "
                        + "so it updates at least that often and", updates, window, Ms(period), Ms(pollMs))
                    : Text("it updated every {0} here ({1} updates in {2}, read every {3}), so", Ms(period), updates, window, Ms(pollMs));
                return new EnergyMeasurement(EnergyMethod.EnergyCounter, joules, seconds, uncertainty, period, Text(
                    "{0}; {1} the figure is within about ±{2} J ({3}%).",
                    CounterSource, seen, Significant(uncertainty, 3), Significant(100 * uncertainty / Math.Max(joules, 1e-9), 2)));
            }

            return new EnergyMeasurement(EnergyMethod.EnergyCounter, joules, seconds, joules, null, Text(
                "{0}; it updated only {1} time(s) in the {2} window, so its update period was not seen and the figure may be off by up "
                + "to one update's energy (as much as the figure); measure a longer window.",
                CounterSource, updates, window));
        }

        /// <summary>From board power read <paramref name="readings"/> times and integrated over the window (trapezoids).</summary>
        internal static EnergyMeasurement FromPower(double joules, double seconds, int readings, string counterUnavailable, double pollMs)
        {
            return new EnergyMeasurement(EnergyMethod.SampledPower, joules, seconds, null, null, Text(
                "Board power (nvmlDeviceGetPowerUsage) read {0} times, about every {1}, and integrated over the {2} window, because the "
                + "energy counter is missing ({3}). NVML's power reading is itself averaged by the driver (over 1 s on Ampere and newer, "
                + "except A100), so windows of a few seconds or less are smeared.",
                readings, Ms(pollMs), Ms(seconds * 1e3), counterUnavailable));
        }

        /// <summary>
        /// Several GPUs' measurements of the same window added (a copy between two GPUs uses both): a figure only if every
        /// part has one; the weaker method where they differ.
        /// </summary>
        public static EnergyMeasurement Total(IReadOnlyList<EnergyMeasurement> parts, IReadOnlyList<int> gpus)
        {
            if (parts == null || gpus == null || parts.Count == 0 || parts.Count != gpus.Count)
                throw new ArgumentException("One measurement per GPU is needed.", nameof(parts));
            if (parts.Count == 1) return parts[0];
            string note = string.Join(" ", parts.Select((p, i) => Text("GPU {0}: {1}", gpus[i], p.Note)));
            double seconds = parts.Max(p => p._seconds);
            EnergyMethod? method = parts.All(p => p.Method.HasValue) ? parts.Max(p => p.Method) : null;
            if (parts.Any(p => !p.Joules.HasValue))
                return new EnergyMeasurement(method, null, seconds, null, null, "No energy figure for all GPUs together. " + note);
            bool bounded = parts.All(p => p.UncertaintyJoules.HasValue || p.Method == EnergyMethod.SampledPower);
            double? uncertainty = bounded ? parts.Sum(p => p.UncertaintyJoules ?? 0) : (double?)null;
            string sum = "Sum over GPUs " + string.Join(" and ", gpus) + ". ";
            return new EnergyMeasurement(method, parts.Sum(p => p._joules ?? 0), seconds, uncertainty, null, sum + note);
        }

        /// <summary>
        /// Writes the figures into a result. The method goes in as its name: ConvertTo-Json writes an enum as a number, and a
        /// result must read the same in JSON, CSV and after remoting.
        /// </summary>
        internal void CopyTo(IEnergyFigures target)
        {
            target.EnergyJoules = Joules;
            target.EnergySeconds = Seconds;
            target.AveragePowerW = AveragePowerW;
            target.EnergyUncertaintyJoules = UncertaintyJoules;
            target.EnergyMethod = Method?.ToString();
            target.EnergyNote = Note;
        }

        /// <summary>
        /// <paramref name="value"/> to <paramref name="digits"/> significant digits: work-per-energy figures span from a CPU's
        /// 0.0001 to a GPU's tens.
        /// </summary>
        public static double Significant(double value, int digits)
        {
            if (value == 0 || double.IsNaN(value) || double.IsInfinity(value)) return value;
            int decimals = digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
            if (decimals >= 0) return Math.Round(value, Math.Min(decimals, 15));
            double scale = Math.Pow(10, -decimals);
            return Math.Round(value / scale) * scale;
        }

        private static string Text(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        private static string Ms(double milliseconds) => milliseconds >= 1000
            ? Text("{0:0.#} s", milliseconds / 1e3)
            : Text("{0:0.#} ms", milliseconds);

        public override string ToString() => Joules is double j ? Text("{0:0.###} J ({1})", j, Method ?? EnergyMethod.EnergyCounter) : Note;
    }
}
