using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Measure-GpuJob's sampler: reads each GPU at the start, every interval on a thread of its own while the job
    /// runs, and at the end, through NVML only (no CUDA context, so it takes no GPU memory from the job). Energy is
    /// the growth of NVML's energy counter where the GPU has one, else the sampled power integrated over time.
    /// <see cref="Stop"/> ends the thread; Dispose does too, so a stopped command leaves nothing running.
    /// </summary>
    public sealed class JobSampler : IDisposable
    {
        private readonly Nvml _nvml;
        private readonly IReadOnlyList<MonitoredDevice> _devices;
        private readonly List<JobReading>[] _readings;
        private readonly ulong?[] _startEnergy;
        private readonly TimeSpan _interval;
        private readonly Stopwatch _clock = new Stopwatch();
        private readonly ManualResetEventSlim _stop = new ManualResetEventSlim(false);
        private readonly DateTimeOffset _startTime;
        private Thread? _thread;

        private JobSampler(Nvml nvml, IReadOnlyList<MonitoredDevice> devices, TimeSpan interval)
        {
            _nvml = nvml;
            _devices = devices;
            _interval = interval;
            _readings = new List<JobReading>[devices.Count];
            _startEnergy = new ulong?[devices.Count];
            for (int i = 0; i < devices.Count; i++)
            {
                _readings[i] = new List<JobReading>();
                _startEnergy[i] = JobCounters.Energy(nvml, devices[i]);
            }

            _startTime = DateTimeOffset.UtcNow;
            _clock.Start();
            ReadAll();
        }

        /// <summary>
        /// Takes the first readings and starts sampling <paramref name="devices"/> every <paramref name="interval"/>.
        /// Throws <see cref="NativeLibraryNotFoundException"/> without NVML; a GPU NVML does not show is left out with a warning.
        /// </summary>
        public static JobSampler Start(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, TimeSpan interval, List<string> warnings)
        {
            Nvml? nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? missing);
            if (nvml == null) throw missing ?? (Exception)new InvalidOperationException("NVML could not be loaded.");
            var sampler = new JobSampler(nvml, MonitoredDevice.OnePerGpu(GpuSampler.MapToNvml(nvml, devices, warnings)), interval);
            sampler._thread = new Thread(sampler.Run) { IsBackground = true, Name = "DlGpuTools job sampler" };
            sampler._thread.Start();
            return sampler;
        }

        /// <summary>Ends sampling, takes the last readings and returns a summary per GPU.</summary>
        public IReadOnlyList<GpuJobSummary> Stop()
        {
            EndThread();
            ReadAll();
            DateTimeOffset end = DateTimeOffset.UtcNow;
            double seconds = _clock.Elapsed.TotalSeconds;
            var summaries = new List<GpuJobSummary>();
            for (int i = 0; i < _devices.Count; i++)
            {
                MonitoredDevice device = _devices[i];
                var summary = new GpuJobSummary
                {
                    ComputerName = Environment.MachineName,
                    Index = device.Index,
                    Uuid = device.Uuid,
                    GpuName = device.Name,
                    StartTime = _startTime,
                    EndTime = end,
                    DurationSeconds = Math.Round(seconds, 3),
                    Method = nameof(JobMethod.Sampled),
                };
                List<JobReading> readings;
                lock (_readings[i]) readings = new List<JobReading>(_readings[i]);
                JobMath.ApplyReadings(summary, readings);
                double? counted = JobMath.EnergyFromCounter(_startEnergy[i], JobCounters.Energy(_nvml, device));
                JobMath.ApplyEnergy(summary, counted ?? JobMath.IntegratePower(readings));
                summary.Detail = Detail(readings.Count, counted.HasValue, summary.EnergyJ.HasValue);
                summaries.Add(summary);
            }

            return summaries;
        }

        public void Dispose()
        {
            EndThread();
            _stop.Dispose();
        }

        private string Detail(int readings, bool counter, bool energy)
        {
            string every = _interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            string text = $"{readings} readings every {every} s (NVML utilization rates, memory info, power usage); utilization and memory "
                + "are the whole GPU's, other processes included. Energy: ";
            if (counter) return text + "NVML energy counter (nvmlDeviceGetTotalEnergyConsumption, 1 mJ) before and after.";
            if (energy) return text + "no energy counter on this GPU, so sampled power integrated over time (trapezoids).";
            return text + "none (no energy counter and fewer than two power readings).";
        }

        private void Run()
        {
            for (long n = 1; ; n++)
            {
                TimeSpan wait = TimeSpan.FromTicks(_interval.Ticks * n) - _clock.Elapsed;
                if (_stop.Wait(wait > TimeSpan.Zero ? wait : TimeSpan.Zero)) return;
                ReadAll();
            }
        }

        private void ReadAll()
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            for (int i = 0; i < _devices.Count; i++)
            {
                JobReading reading = JobCounters.Read(_nvml, _devices[i], seconds);
                lock (_readings[i]) _readings[i].Add(reading);
            }
        }

        private void EndThread()
        {
            if (_stop.IsSet) return;
            _stop.Set();
            _thread?.Join();
        }
    }
}
