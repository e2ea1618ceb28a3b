using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DlGpuTools.Bandwidth;
using DlGpuTools.Bandwidth.Tests;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// Every registered bandwidth test, run whole in process on the managed fake GPU: sized, gated by the spin kernel,
    /// timed by events, verified, and its figure compared with the rate the fake simulates for the path the test takes.
    /// Driven from the registry, so a new test is covered without a line here as long as it moves its counted bytes over
    /// its path once per operation (one buffer per direction: host buffers for a host test, device buffers each side for
    /// a peer test).
    /// </summary>
    public class FakePortBandwidthTests
    {
        // An odd number of 16-byte elements, so no test passes by handling only whole blocks or halves.
        private const ulong Bytes = (1UL << 20) + 3 * 16;

        // Event times are single-precision milliseconds (about 7 digits) and figures are rounded to 0.01 GB/s; the fake
        // adds no noise and the launch cost is set to 0, so the only error is that rounding: 0.1% leaves a wide margin
        // while any extra or missing operation per batch (at most 4 a batch here, so 25% or more) is far outside it.
        private const double Tolerance = 0.001;

        public static TheoryData<string> SingleGpuTests() =>
            Ids(BandwidthTests.All.Where(t => t.Path != BandwidthPath.Peer));

        public static TheoryData<string> PeerTests() => Ids(BandwidthTests.All.Where(t => t.Path == BandwidthPath.Peer));

        [Theory]
        [MemberData(nameof(SingleGpuTests))]
        public void A_single_gpu_test_is_verified_at_the_rate_of_its_path_and_frees_what_it_took(string id)
        {
            var gpu = new ManagedFakeGpu { LaunchMilliseconds = 0 };
            var registered = BandwidthTests.Tests.Get(id);
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                BandwidthResult r = session.Run(id, Quick(), CancellationToken.None);

                Assert.True(r.Verified);
                Assert.True(r.VerifiedSamples >= 2);
                Assert.Equal(Bytes, r.Bytes);
                Assert.Equal(3, r.Batches);
                if (registered.Path == BandwidthPath.Device && r.Engine == Engines.SmKernel) Near(gpu.KernelGBps, r.TrafficGBps);
                else if (registered.Path == BandwidthPath.Device) Near(gpu.CopyGBps, r.GBps);
                else Near(gpu.HostCopyGBps * registered.Buffers.HostBuffers, r.GBps);
                if (registered.Path == BandwidthPath.Host)
                {
                    Assert.Equal(63.0 * registered.Buffers.HostBuffers, r.TheoreticalGBps);
                    Assert.Equal(0, r.NumaNode);
                    Assert.Contains("the managed fake binds no thread", r.Method, StringComparison.Ordinal);
                }

                AssertOnlyTheSessionIsLeft(gpu);
            }

            AssertNothingLeft(gpu);
        }

        [Theory]
        [MemberData(nameof(PeerTests))]
        public void A_peer_test_is_verified_at_the_link_rate_with_nvlink_as_its_theoretical_figure(string id)
        {
            var gpu = new ManagedFakeGpu(devices: 2) { LaunchMilliseconds = 0 };
            var machine = new FakeSurroundings { NvLinkGBps = 450 };
            var registered = BandwidthTests.Tests.Get(id);
            using (BandwidthSession a = BandwidthSession.Open(gpu, machine, gpu.Devices()[0]))
            using (BandwidthSession b = BandwidthSession.Open(gpu, machine, gpu.Devices()[1]))
            {
                BandwidthResult r = a.RunPeer(id, b, Quick(), CancellationToken.None);

                Assert.True(r.Verified);
                Assert.Equal(1, r.PeerIndex);
                Near(gpu.PeerGBps * registered.Buffers.DeviceBuffers, r.GBps);
                Assert.Equal(450.0 * registered.Buffers.DeviceBuffers, r.TheoreticalGBps);
                Assert.StartsWith("NVLink: NVLink, 4 link(s)", r.TheoreticalBasis, StringComparison.Ordinal);
                AssertOnlyTheSessionIsLeft(gpu, sessions: 2);

                // Without NVLink the figure is the slower GPU's PCIe link, with the path named.
                machine.NvLinkGBps = null;
                BandwidthResult pcie = b.RunPeer(id, a, Quick(), CancellationToken.None);
                Assert.StartsWith("PCIe Gen5 x16: 16 x 3.938 GB/s per lane", pcie.TheoreticalBasis, StringComparison.Ordinal);
                Assert.EndsWith("(path PXB)", pcie.TheoreticalBasis, StringComparison.Ordinal);
            }

            AssertNothingLeft(gpu);
        }

        [Fact]
        public void Gpus_the_driver_does_not_join_are_not_measured_and_nothing_is_allocated()
        {
            var gpu = new ManagedFakeGpu(devices: 2) { PeerAccessSupported = false };
            var machine = new FakeSurroundings();
            using (BandwidthSession a = BandwidthSession.Open(gpu, machine, gpu.Devices()[0]))
            using (BandwidthSession b = BandwidthSession.Open(gpu, machine, gpu.Devices()[1]))
            {
                var e = Assert.Throws<PeerAccessNotSupportedException>(() =>
                    a.RunPeer(DeviceToDeviceMemcpyWriteCe.TestId, b, Quick(), CancellationToken.None));
                Assert.Equal(1, e.Peer);
                AssertOnlyTheSessionIsLeft(gpu, sessions: 2);
            }
        }

        [Fact]
        public void A_spin_kernel_that_gave_up_discards_the_batch_and_an_ungated_test_still_runs()
        {
            var gpu = new ManagedFakeGpu { SpinTimesOut = true };
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                var e = Assert.Throws<BandwidthTimingException>(() => session.Run(DeviceLocalCopy.TestId, Quick(), CancellationToken.None));
                Assert.Contains(DeviceLocalCopy.TestId, e.Message, StringComparison.Ordinal);
                AssertOnlyTheSessionIsLeft(gpu);
                Assert.True(session.Run(DeviceToHostMemcpyCePageable.TestId, Quick(), CancellationToken.None).Verified);
                AssertOnlyTheSessionIsLeft(gpu);
            }

            AssertNothingLeft(gpu);
        }

        [Fact]
        public void An_asked_size_that_does_not_fit_is_an_error_before_anything_is_allocated()
        {
            var gpu = new ManagedFakeGpu();
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                var e = Assert.Throws<BandwidthBufferTooLargeException>(() =>
                    session.Run(DeviceLocalCopySm.TestId, Quick(1UL << 30), CancellationToken.None));
                Assert.True(e.NeededBytes > e.FreeBytes);
                AssertOnlyTheSessionIsLeft(gpu);
            }
        }

        [Fact]
        public void Refused_page_locked_memory_fails_the_page_locked_tests_only()
        {
            var gpu = new ManagedFakeGpu { HostMemoryLimitBytes = 1UL << 20 };
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                var e = Assert.Throws<PinnedMemoryRefusedException>(() =>
                    session.Run(HostToDeviceMemcpyCe.TestId, Quick(2UL << 20), CancellationToken.None));
                Assert.Contains("CUDA_ERROR_OUT_OF_MEMORY", e.Message, StringComparison.Ordinal);
                AssertOnlyTheSessionIsLeft(gpu);
                Assert.True(session.Run(HostToDeviceMemcpyCePageable.TestId, Quick(2UL << 20), CancellationToken.None).Verified);
            }
        }

        [Fact]
        public void Cancellation_stops_the_test_and_frees_everything()
        {
            var gpu = new ManagedFakeGpu();
            using (var cancel = new CancellationTokenSource())
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                var request = Quick();
                request.Iterations = 1000000;
                int reports = 0;
                Action<BandwidthProgress> progress = p =>
                {
                    if (p.Phase.EndsWith("measuring", StringComparison.Ordinal) && ++reports == 5) cancel.Cancel();
                };
                Assert.ThrowsAny<OperationCanceledException>(() =>
                    session.Run(HostToDeviceBidirectionalMemcpyCe.TestId, request, cancel.Token, progress));
                AssertOnlyTheSessionIsLeft(gpu);
            }

            AssertNothingLeft(gpu);
        }

        internal static BandwidthRequest Quick(ulong? bytes = Bytes) =>
            new BandwidthRequest { Bytes = bytes, Iterations = 3, Warmup = 1, BatchMilliseconds = 1, MaxOperationsPerBatch = 4 };

        /// <summary>Between tests an open session holds its kernels and the spin gate's flag (one page-locked allocation) only.</summary>
        internal static void AssertOnlyTheSessionIsLeft(ManagedFakeGpu gpu, int sessions = 1)
        {
            Assert.Equal(0, gpu.LiveAllocations);
            Assert.Equal(0, gpu.LiveStreams);
            Assert.Equal(0, gpu.LiveEvents);
            Assert.Equal(sessions, gpu.LiveHostAllocations);
        }

        internal static void AssertNothingLeft(ManagedFakeGpu gpu)
        {
            Assert.Equal(0, gpu.LiveContexts);
            Assert.Equal(0, gpu.LiveHostAllocations);
        }

        private static void Near(double expected, double actual) =>
            Assert.InRange(actual, expected * (1 - Tolerance) - 0.01, expected * (1 + Tolerance) + 0.01);

        private static TheoryData<string> Ids(IEnumerable<IBandwidthTest> tests)
        {
            var data = new TheoryData<string>();
            foreach (IBandwidthTest test in tests) data.Add(test.Id);
            return data;
        }
    }
}
