using System;
using System.Threading;
using DlGpuTools.GpuWork;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// The shared timing discipline (<see cref="TimedBatches"/> over <see cref="BatchTimer"/>) measuring a
    /// device-to-device copy on the managed fake, whose clock is a bandwidth model: the figure must be the model's.
    /// No native library, no shared state: runs in parallel with everything.
    /// </summary>
    public class FakePortTimingTests
    {
        private const ulong Bytes = 4UL << 20;

        [Fact]
        public void A_copy_timed_in_batches_measures_the_modelled_bandwidth()
        {
            var gpu = new ManagedFakeGpu { CopyGBps = 800 };
            using (var lease = gpu.Lease(0))
            using (lease.Enter())
            using (var stream = new OwnedStream(gpu))
            using (var source = DeviceMemory.Allocate(gpu, Bytes))
            using (var target = DeviceMemory.Allocate(gpu, Bytes))
            using (var timer = BatchTimer.Create(gpu))
            {
                double Batch(int n) => timer.Time(stream.Stream, n, s => gpu.CopyOnDevice(target.Pointer, source.Pointer, Bytes, s));

                BatchTimes times = TimedBatches.Run(Batch, new BatchPlan { Warmup = 1, Iterations = 5, BatchMilliseconds = 1 },
                    CancellationToken.None, out int perBatch);

                double gbps = Bytes / (times.Median * 1e-3) / 1e9;
                Assert.InRange(gbps, 800 * 0.999, 800 * 1.001);
                // 1 ms a batch at 4 MiB / 800 GB/s (5.2 us a copy): about 191 copies a batch.
                Assert.InRange(perBatch, 185, 195);
                Assert.Equal(0, times.SpreadPercent, 6);
            }

            Assert.Equal(0, gpu.LiveAllocations + gpu.LiveStreams + gpu.LiveEvents + gpu.LiveContexts);
        }

        [Fact]
        public void Operations_per_batch_are_bounded_both_ways()
        {
            Assert.Equal(1, TimedBatches.OperationsPerBatch(50, 20, 5000));
            Assert.Equal(5000, TimedBatches.OperationsPerBatch(0, 20, 5000));
            Assert.Equal(200, TimedBatches.OperationsPerBatch(0.1, 20, 5000));
        }

        [Fact]
        public void Cancellation_stops_between_batches()
        {
            using var cancel = new CancellationTokenSource();
            int batches = 0;
            double Batch(int n)
            {
                if (++batches == 3) cancel.Cancel();
                return 1;
            }

            Assert.Throws<OperationCanceledException>(() => TimedBatches.Measure(Batch, 1, 10, cancel.Token));
            Assert.Equal(3, batches);
        }
    }
}
