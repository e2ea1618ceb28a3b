using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>What NVML read from one GPU while the stress ran: clocks, power, temperature, slowdown reasons, ECC growth.</summary>
    internal sealed class LoadFigures
    {
        public int Samples { get; set; }

        public int? MedianSmClockMHz { get; set; }

        public int? MinSmClockMHz { get; set; }

        public int? MaxSmClockMHz { get; set; }

        public double? MedianPowerW { get; set; }

        public double? MaxPowerW { get; set; }

        public double? PowerLimitW { get; set; }

        public int? MaxTemperatureC { get; set; }

        /// <summary>Each slowdown reason seen, with the number of samples that showed it.</summary>
        public Dictionary<string, int> Reasons { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Growth of the volatile corrected and uncorrected ECC counts from the first sample to the last.</summary>
        public ulong? CorrectedEccGrowth { get; set; }

        public ulong? UncorrectedEccGrowth { get; set; }
    }

    /// <summary>
    /// Samples every GPU through NVML (no CUDA context) on its own thread while the stress runs, as nvidia-smi dmon
    /// would beside it: what clocks and power the GPUs reached, and whether they slowed down and why.
    /// </summary>
    internal sealed class LoadWatch : IDisposable
    {
        private readonly GpuSampler _sampler;
        private readonly TimeSpan _interval;
        private readonly Dictionary<int, List<GpuSample>> _samples = new Dictionary<int, List<GpuSample>>();
        private readonly ManualResetEventSlim _stop = new ManualResetEventSlim();
        private readonly Thread _thread;

        private LoadWatch(GpuSampler sampler, TimeSpan interval)
        {
            _sampler = sampler;
            _interval = interval;
            _thread = new Thread(Loop) { IsBackground = true, Name = "DlGpuTools health load watch" };
        }

        /// <summary>Starts sampling; null (with the reason in <paramref name="warnings"/>) where NVML cannot sample.</summary>
        public static LoadWatch? Start(GpuRuntime runtime, IEnumerable<CudaDevice> devices, TimeSpan interval, List<string> warnings)
        {
            GpuSampler sampler;
            try
            {
                sampler = GpuSampler.Create(runtime, devices, warnings);
            }
            catch (Exception e) when (e is Interop.NativeLibraryNotFoundException || e is Interop.NvmlException)
            {
                warnings.Add("Clocks and power were not sampled: " + e.Message);
                return null;
            }

            var watch = new LoadWatch(sampler, interval);
            sampler.Start();
            watch._thread.Start();
            return watch;
        }

        private void Loop()
        {
            do
            {
                try
                {
                    foreach (GpuSample s in _sampler.Sample())
                    {
                        lock (_samples)
                        {
                            if (!_samples.TryGetValue(s.Index, out List<GpuSample>? list)) _samples[s.Index] = list = new List<GpuSample>();
                            list.Add(s);
                        }
                    }
                }
                catch (Interop.NvmlException)
                {
                    // A failed reading is a missing sample, not a failed check: the stress itself decides health.
                }
            }
            while (!_stop.Wait(_interval));
        }

        /// <summary>Stops sampling (taking one last sample first) and folds each GPU's samples.</summary>
        public Dictionary<int, LoadFigures> Stop(TimeSpan timeout)
        {
            _stop.Set();
            _thread.Join(timeout);
            lock (_samples) return _samples.ToDictionary(p => p.Key, p => Fold(p.Value));
        }

        internal static LoadFigures Fold(IReadOnlyList<GpuSample> samples)
        {
            var f = new LoadFigures { Samples = samples.Count };
            int[] clocks = samples.Where(s => s.SmClockMHz.HasValue).Select(s => s.SmClockMHz.GetValueOrDefault())
                .OrderBy(c => c).ToArray();
            if (clocks.Length > 0)
            {
                f.MedianSmClockMHz = clocks[clocks.Length / 2];
                f.MinSmClockMHz = clocks[0];
                f.MaxSmClockMHz = clocks[clocks.Length - 1];
            }

            double[] power = samples.Where(s => s.PowerW.HasValue).Select(s => s.PowerW.GetValueOrDefault()).OrderBy(p => p).ToArray();
            if (power.Length > 0)
            {
                f.MedianPowerW = power[power.Length / 2];
                f.MaxPowerW = power[power.Length - 1];
            }

            f.PowerLimitW = samples.Select(s => s.PowerLimitW).LastOrDefault(p => p.HasValue);
            f.MaxTemperatureC = samples.Max(s => s.TemperatureC);
            foreach (GpuSample s in samples)
            {
                foreach (string reason in s.ClockEventReasons)
                    f.Reasons[reason] = f.Reasons.TryGetValue(reason, out int seen) ? seen + 1 : 1;
            }

            f.CorrectedEccGrowth = Growth(samples.Select(s => s.EccCorrectedVolatile));
            f.UncorrectedEccGrowth = Growth(samples.Select(s => s.EccUncorrectedVolatile));
            return f;
        }

        private static ulong? Growth(IEnumerable<ulong?> counts)
        {
            ulong[] read = counts.Where(c => c.HasValue).Select(c => c.GetValueOrDefault()).ToArray();
            if (read.Length == 0) return null;
            return read[read.Length - 1] >= read[0] ? read[read.Length - 1] - read[0] : 0;
        }

        public void Dispose()
        {
            _stop.Set();
            if (_thread.IsAlive) return; // stuck in NVML: it keeps its sampler and event rather than have them freed under it
            _sampler.Dispose();
            _stop.Dispose();
        }
    }
}
