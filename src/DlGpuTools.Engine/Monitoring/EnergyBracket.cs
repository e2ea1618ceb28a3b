using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Brackets a piece of GPU work: from <see cref="Start"/> to <see cref="Stop"/> a background thread reads each GPU's
    /// energy counter (or, where a GPU has none, its board power) at a short interval. Every reading happens on that
    /// thread, so an NVML call that hangs on a sick GPU delays neither the work nor the caller beyond the stop timeout.
    /// The first reading is taken before <see cref="Start"/> returns, so the window covers all the work started after it.
    /// </summary>
    internal sealed class EnergyBracket : IDisposable
    {
        private readonly Track[] _tracks;
        private readonly int[] _gpus;
        private readonly TimeSpan _poll;
        private readonly Stopwatch _clock = new Stopwatch();
        private readonly ManualResetEventSlim _stop = new ManualResetEventSlim();
        private readonly ManualResetEventSlim _begun = new ManualResetEventSlim();
        private readonly Thread _thread;
        private readonly string? _unavailable;
        private IReadOnlyList<EnergyMeasurement>? _result;

        private EnergyBracket(IReadOnlyList<IEnergySensor> sensors, IReadOnlyList<int> gpus, TimeSpan poll, string? unavailable)
        {
            _tracks = sensors.Select(s => new Track(s)).ToArray();
            _gpus = gpus.ToArray();
            _poll = poll;
            _unavailable = unavailable;
            _thread = new Thread(Loop) { IsBackground = true, Name = "DlGpuTools energy bracket" };
        }

        /// <summary>The GPUs measured, in the order <see cref="Stop"/> gives their measurements.</summary>
        public IReadOnlyList<int> Gpus => _gpus;

        /// <summary>
        /// Starts reading <paramref name="sensors"/> every <paramref name="poll"/>; returns once each has been read once (or
        /// after <paramref name="timeout"/> if NVML does not answer).
        /// </summary>
        internal static EnergyBracket Start(IReadOnlyList<IEnergySensor> sensors, TimeSpan poll, TimeSpan timeout)
        {
            if (sensors.Count == 0) throw new ArgumentException("At least one GPU is needed.", nameof(sensors));
            var bracket = new EnergyBracket(sensors, sensors.Select(s => s.Index).ToArray(), poll, null);
            bracket._clock.Start();
            bracket._thread.Start();
            bracket._begun.Wait(timeout);
            return bracket;
        }

        /// <summary>A bracket that reads nothing: every GPU's measurement says <paramref name="why"/>.</summary>
        internal static EnergyBracket Unavailable(IReadOnlyList<int> gpus, string why)
        {
            var bracket = new EnergyBracket(Array.Empty<IEnergySensor>(), gpus, TimeSpan.Zero, why);
            bracket._clock.Start();
            return bracket;
        }

        /// <summary>Ends the window: one measurement per GPU, in <see cref="Gpus"/>' order; called again, the same answer.</summary>
        public IReadOnlyList<EnergyMeasurement> Stop(TimeSpan timeout)
        {
            if (_result != null) return _result;
            double seconds = _clock.Elapsed.TotalSeconds;
            if (_unavailable != null) return _result = Unavailable(_unavailable, seconds);
            _stop.Set();
            if (!_begun.IsSet || !_thread.Join(timeout))
            {
                string why = string.Format(CultureInfo.InvariantCulture, "NVML did not answer the energy readings within {0:0.#} s",
                    timeout.TotalSeconds);
                return _result = Unavailable(why, seconds);
            }

            return _result = _tracks.Select(t => t.Measure(_poll.TotalMilliseconds)).ToArray();
        }

        private EnergyMeasurement[] Unavailable(string why, double seconds) =>
            _gpus.Select(g => EnergyMeasurement.Unavailable(why, seconds)).ToArray();

        /// <summary>Ends the window for one GPU or several together (their sum; see <see cref="EnergyMeasurement.Total"/>).</summary>
        public EnergyMeasurement StopTotal(TimeSpan timeout) => EnergyMeasurement.Total(Stop(timeout), Gpus);

        public void Dispose()
        {
            _stop.Set();
            // The thread is a background thread: one stuck in a hung NVML call does not keep the process alive.
            if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(1));
        }

        private void Loop()
        {
            foreach (Track t in _tracks) t.Begin(_clock);
            _begun.Set();
            while (!_stop.Wait(_poll))
            {
                foreach (Track t in _tracks) t.Poll(_clock);
            }

            foreach (Track t in _tracks) t.End(_clock);
        }

        /// <summary>One GPU's readings over the window; touched only by the reading thread until it has ended.</summary>
        private sealed class Track
        {
            private bool _counter;
            private bool _power;
            private string? _counterUnavailable;
            private string? _powerUnavailable;
            private ulong _startMillijoules;
            private ulong _lastMillijoules;
            private ulong? _wentBackFrom;
            private ulong? _wentBackTo;
            private int _updates;
            private int _unchangedReads;
            private double _firstUpdate;
            private double _lastUpdate;
            private double _startTime;
            private double _endTime;
            private bool _ended;
            private double _lastReadTime;
            private double _lastPowerTime;
            private double _lastPowerW;
            private double _joules;
            private int _powerReadings;

            public Track(IEnergySensor sensor) => Sensor = sensor;

            public IEnergySensor Sensor { get; }

            public void Begin(Stopwatch clock)
            {
                _counter = Sensor.TryReadCounter(out ulong mj, out _counterUnavailable);
                _startTime = _lastReadTime = clock.Elapsed.TotalSeconds;
                if (_counter)
                {
                    _startMillijoules = _lastMillijoules = mj;
                    return;
                }

                _power = Sensor.TryReadPower(out uint mw, out _powerUnavailable);
                _startTime = _lastPowerTime = clock.Elapsed.TotalSeconds;
                if (_power)
                {
                    _lastPowerW = mw / 1000.0;
                    _powerReadings = 1;
                }
            }

            public void Poll(Stopwatch clock)
            {
                if (_counter) ReadCounter(clock);
                else if (_power) ReadPower(clock);
            }

            public void End(Stopwatch clock)
            {
                Poll(clock);
                _endTime = _counter ? _lastReadTime : _lastPowerTime;
                _ended = true;
            }

            private void ReadCounter(Stopwatch clock)
            {
                // A failed read in the middle is skipped; the ends decide the figure.
                if (!Sensor.TryReadCounter(out ulong mj, out _)) return;
                double now = clock.Elapsed.TotalSeconds;
                _lastReadTime = now;
                if (mj == _lastMillijoules)
                {
                    _unchangedReads++;
                    return;
                }

                if (mj < _lastMillijoules && !_wentBackFrom.HasValue)
                {
                    _wentBackFrom = _lastMillijoules;
                    _wentBackTo = mj;
                }

                if (_updates == 0) _firstUpdate = now;
                _lastUpdate = now;
                _updates++;
                _lastMillijoules = mj;
            }

            private void ReadPower(Stopwatch clock)
            {
                if (!Sensor.TryReadPower(out uint mw, out _)) return;
                double now = clock.Elapsed.TotalSeconds;
                double watts = mw / 1000.0;
                _joules += (now - _lastPowerTime) * (watts + _lastPowerW) / 2;
                _lastPowerTime = now;
                _lastPowerW = watts;
                _powerReadings++;
            }

            public EnergyMeasurement Measure(double pollMs)
            {
                double seconds = _ended ? _endTime - _startTime : 0;
                if (_counter)
                {
                    double? period = _updates >= 2 ? (_lastUpdate - _firstUpdate) * 1e3 / (_updates - 1) : (double?)null;
                    bool everyRead = _unchangedReads == 0;
                    return EnergyMeasurement.FromCounter(_startMillijoules, _lastMillijoules, seconds, _updates, period, everyRead,
                        _wentBackFrom, _wentBackTo, pollMs);
                }

                string counterWhy = _counterUnavailable ?? "not readable";
                if (_power) return EnergyMeasurement.FromPower(_joules, seconds, _powerReadings, counterWhy, pollMs);
                return EnergyMeasurement.Unavailable(string.Format(CultureInfo.InvariantCulture,
                    "neither the energy counter ({0}) nor the board power ({1}) of GPU {2} could be read",
                    counterWhy, _powerUnavailable, Sensor.Index), seconds);
            }
        }
    }
}
