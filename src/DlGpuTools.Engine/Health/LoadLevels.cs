using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.Bandwidth;
using DlGpuTools.Bandwidth.Tests;
using DlGpuTools.Devices;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>How much work Test-GpuHealth does beyond reading NVML.</summary>
    public enum HealthLevel
    {
        /// <summary>NVML and the driver only: about a second, safe beside running jobs.</summary>
        Quick,

        /// <summary>Quick, plus the GEMM stress on every GPU at once, clocks and power under load, and a short bandwidth and host-link check.</summary>
        Standard,

        /// <summary>Standard, plus a pattern test of most of each GPU's free memory.</summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The level names are the -Level values users type (Quick, Standard, Long), as DCGM names its run levels.")]
        Long,
    }

    /// <summary>
    /// The Standard and Long levels: the GEMM stress on every GPU at once with NVML sampling beside it, then each
    /// GPU's short device-copy and host-to-device runs, then (Long) the memory test. Their checks are added to each
    /// GPU's list after its Quick checks.
    /// </summary>
    internal static class LoadLevels
    {
        public static void Run(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, HealthRequest request, IDictionary<int, GpuHealth> perGpu)
        {
            if (devices.Count == 0) return;
            // One energy window per GPU over all the load levels, read through NVML beside the work.
            using (EnergyBracket energy = EnergyMeter.Start(runtime, devices))
            {
                RunLevels(runtime, devices, request, perGpu);
                IReadOnlyList<EnergyMeasurement> measured = energy.Stop(request.CallTimeout);
                for (int i = 0; i < measured.Count; i++)
                {
                    if (perGpu.TryGetValue(energy.Gpus[i], out GpuHealth? health)) measured[i].CopyTo(health);
                }
            }
        }

        private static void RunLevels(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, HealthRequest request,
            IDictionary<int, GpuHealth> perGpu)
        {
            CancellationToken cancel = request.Cancel;
            Action<string, double>? progress = request.Progress;
            var stress = new StressRequest { Duration = request.Duration, Size = request.MatrixSize, CallTimeout = request.CallTimeout, SetupLimit = TimeSpan.FromTicks(request.CallTimeout.Ticks * 3) };
            var warnings = new List<string>();

            Dictionary<int, LoadFigures> load;
            List<StressOutcome> outcomes;
            LoadWatch? watch = LoadWatch.Start(runtime, devices, request.SampleInterval, warnings);
            try
            {
                outcomes = GemmStress.Run(runtime, devices, stress, cancel, progress);
            }
            finally
            {
                load = watch?.Stop(request.CallTimeout) ?? new Dictionary<int, LoadFigures>();
                watch?.Dispose();
            }

            TimeSpan timeout = request.CallTimeout;
            foreach (StressOutcome o in outcomes)
            {
                GpuHealth health = perGpu[o.Index];
                load.TryGetValue(o.Index, out LoadFigures? figures);
                health.Checks.Add(LoadHealthChecks.GemmResults(o, timeout));
                health.Checks.Add(LoadHealthChecks.Throughput(o));
                health.Checks.Add(LoadHealthChecks.AgainstPeers(o, outcomes));
                health.Checks.Add(LoadHealthChecks.PeerResults(o, outcomes));
                health.Checks.Add(LoadHealthChecks.ClocksAndPower(o.Index, figures));
                if (LoadHealthChecks.EccUnderLoad(o.Index, figures, "ECC under load", "the GEMM stress") is GpuHealthCheck ecc) health.Checks.Add(ecc);
                health.StressDataType = string.IsNullOrEmpty(o.DataType) ? null : o.DataType;
                health.StressTflops = o.Tflops is double t ? Math.Round(t, 1) : (double?)null;
                health.StressPercentOfPeak = o.Tflops is double tf && o.PeakTflops is double p && p > 0 ? Math.Round(100 * tf / p, 1) : (double?)null;
                health.SmClockMHz = figures?.MedianSmClockMHz;
                health.PowerW = figures?.MedianPowerW;
                health.MaxTemperatureC = figures?.MaxTemperatureC;
            }

            var hung = new HashSet<int>(outcomes.Where(o => o.Hung).Select(o => o.Index));

            // The links, one GPU at a time so host copies do not share the host's memory bandwidth; skipped on a GPU
            // whose stress hung (its worker still holds the context, and its calls would hang too).
            foreach (CudaDevice device in devices)
            {
                cancel.ThrowIfCancellationRequested();
                if (hung.Contains(device.Index)) continue;
                progress?.Invoke(string.Format(CultureInfo.InvariantCulture, "Memory bandwidth and host link of GPU {0}", device.Index), 1);
                BandwidthResult? copy = null, h2d = null;
                Exception? copyFailure = null, h2dFailure = null;
                bool answered = Watchdog.TryRun(() =>
                {
                    using (BandwidthSession session = BandwidthSession.Open(runtime, device))
                    {
                        copy = Try(() => session.Run(DeviceLocalCopySm.TestId, Screening(DeviceCopyBytes(device)), cancel), out copyFailure);
                        h2d = Try(() => session.Run(HostToDeviceMemcpyCe.TestId, Screening(Math.Min(HostCopyBytes, FreeShare(device))), cancel), out h2dFailure);
                    }

                    return true;
                }, request.CallTimeout + TimeSpan.FromSeconds(30), out _);
                GpuHealth health = perGpu[device.Index];
                if (!answered) copyFailure = h2dFailure = new TimeoutException("the GPU did not answer within the time limit");
                health.Checks.Add(LoadHealthChecks.MemoryBandwidth(device.Index, copy, copyFailure));
                health.Checks.Add(LoadHealthChecks.HostToDevice(device.Index, h2d, h2dFailure));
            }

            if (request.Level != HealthLevel.Long) return;
            CudaDevice[] healthy = devices.Where(d => !hung.Contains(d.Index)).ToArray();
            LoadWatch? memoryWatch = LoadWatch.Start(runtime, healthy, request.SampleInterval, warnings);
            List<MemoryTestOutcome> memory;
            Dictionary<int, LoadFigures> memoryLoad;
            try
            {
                memory = MemoryTest.Run(runtime, healthy, request.Duration, request.CallTimeout, cancel, progress);
            }
            finally
            {
                memoryLoad = memoryWatch?.Stop(request.CallTimeout) ?? new Dictionary<int, LoadFigures>();
                memoryWatch?.Dispose();
            }

            foreach (MemoryTestOutcome o in memory)
            {
                GpuHealth health = perGpu[o.Index];
                health.Checks.Add(LoadHealthChecks.DeviceMemory(o, timeout));
                memoryLoad.TryGetValue(o.Index, out LoadFigures? figures);
                if (LoadHealthChecks.EccUnderLoad(o.Index, figures, "ECC memory test", "the memory test") is GpuHealthCheck ecc) health.Checks.Add(ecc);
                health.MemoryTestedGiB = o.TestedBytes > 0 ? Math.Round(o.TestedBytes / 1073741824.0, 1) : (double?)null;
            }
        }

        private const ulong HostCopyBytes = 64UL << 20;

        // A screening, not Measure-GpuBandwidth: a few short batches of a few copies, enough to tell a healthy link or
        // memory from one at half speed.
        private static BandwidthRequest Screening(ulong bytes) => new BandwidthRequest { Bytes = bytes, Iterations = 4, Warmup = 1, MaxOperationsPerBatch = 4 };

        // Eight times the L2 (so the copy runs from memory, as nvbandwidth's would), between 64 MiB and 1 GiB, and no
        // more than an eighth of the free memory, so the check runs beside small jobs' leftovers.
        private static ulong DeviceCopyBytes(CudaDevice device)
        {
            ulong l2 = device.L2CacheSize is long reported && reported > 0 ? (ulong)reported : 64UL << 20;
            ulong bytes = Math.Min(Math.Max(8 * l2, 64UL << 20), 1UL << 30);
            return Math.Min(bytes, FreeShare(device)) / 4096 * 4096;
        }

        private static ulong FreeShare(CudaDevice device) => Math.Max(16UL << 20, (device.FreeMemory ?? device.TotalMemory) / 8);

        private static T? Try<T>(Func<T> work, out Exception? failure)
            where T : class
        {
            try
            {
                failure = null;
                return work();
            }
            catch (Exception e) when (!(e is OperationCanceledException)) // reported as a Warning check with its message
            {
                failure = e;
                return null;
            }
        }
    }
}
