using System;
using System.Collections.Generic;
using System.Globalization;
using DlGpuTools.Bandwidth;
using DlGpuTools.Bandwidth.Tests;

namespace DlGpuTools.Health
{
    /// <summary>
    /// A screening of each GPU's memory and host link, not Measure-GpuBandwidth: a few short batches of a device copy
    /// and a pinned host-to-device copy, enough to tell a healthy link or memory from one at half speed. One GPU at a
    /// time, so host copies do not share the host's memory bandwidth; a GPU whose stress hung is left alone (its
    /// worker still holds the context, and its calls would hang too).
    /// </summary>
    internal sealed class LinkScreeningRun : FleetRun
    {
        internal const string RunId = "link_screening";

        private const ulong HostCopyBytes = 64UL << 20;

        public override string Id => RunId;

        public override string Name => "Memory bandwidth and host link";

        public override string Description => "Short device-copy and host-to-device runs on each GPU in turn (the bandwidth checks judge "
            + "them).";

        public override HealthLevel Level => HealthLevel.Standard;

        public override IReadOnlyDictionary<int, object> Run(FleetContext context)
        {
            var readings = new Dictionary<int, object>();
            for (int i = 0; i < context.Devices.Count; i++)
            {
                CudaDevice device = context.Devices[i];
                context.Run.Cancel.ThrowIfCancellationRequested();
                if (context.Run.Reading<StressReading>(GemmStressRun.RunId, device.Index)?.Outcome.Hung == true) continue;
                context.Progress?.Invoke(string.Format(CultureInfo.InvariantCulture, "Memory bandwidth and host link of GPU {0}",
                    device.Index),
                    (double)i / context.Devices.Count);
                readings[device.Index] = Screen(context.Run, device);
            }

            return readings;
        }

        private static LinkReading Screen(HealthContext run, CudaDevice device)
        {
            var reading = new LinkReading();
            bool answered = Watchdog.TryRun(() =>
            {
                using (BandwidthSession session = BandwidthSession.Open(run.Runtime, device))
                {
                    reading.Copy = Try(() => session.Run(DeviceLocalCopySm.TestId, Screening(DeviceCopyBytes(device)), run.Cancel),
                        out Exception? copyFailure);
                    reading.CopyFailure = copyFailure;
                    reading.HostToDevice = Try(() => session.Run(HostToDeviceMemcpyCe.TestId, Screening(Math.Min(HostCopyBytes,
                        FreeShare(device))), run.Cancel),
                        out Exception? h2dFailure);
                    reading.HostToDeviceFailure = h2dFailure;
                }

                return true;
            }, run.Request.CallTimeout + TimeSpan.FromSeconds(30), out _);
            if (!answered)
            {
                // The worker may still write its fields: report from a fresh reading that says only that it did not answer.
                var timeout = new TimeoutException("the GPU did not answer within the time limit");
                return new LinkReading { CopyFailure = timeout, HostToDeviceFailure = timeout };
            }

            return reading;
        }

        private static BandwidthRequest Screening(ulong bytes) => new BandwidthRequest { Bytes = bytes, Iterations = 4, Warmup = 1,
            MaxOperationsPerBatch = 4 };

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
