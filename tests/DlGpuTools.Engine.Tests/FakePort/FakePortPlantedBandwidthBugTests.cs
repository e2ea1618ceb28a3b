using System;
using System.Threading;
using DlGpuTools.Bandwidth;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using Xunit;
using static DlGpuTools.Engine.Tests.FakePort.FakePortBandwidthTests;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// Bugs a new bandwidth test could bring, planted in tests of this file's own (subclasses of the engine's test base,
    /// run through the session as a registered one is), each with its correct twin: the fake must fail the bug and pass
    /// the twin, and the session must free everything either way.
    /// </summary>
    public class FakePortPlantedBandwidthBugTests
    {
        [Fact]
        public void A_check_read_before_the_copy_is_synchronised_fails_and_the_synchronised_one_passes()
        {
            var gpu = new ManagedFakeGpu();
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                var e = Assert.Throws<BandwidthVerificationException>(() =>
                    session.Run(new ChecksHostCopy(synchronises: false), Quick(), CancellationToken.None));
                Assert.Contains("expected 0x", e.Message, StringComparison.Ordinal);
                AssertOnlyTheSessionIsLeft(gpu);

                Assert.True(session.Run(new ChecksHostCopy(synchronises: true), Quick(), CancellationToken.None).Verified);
                AssertOnlyTheSessionIsLeft(gpu);
            }
        }

        [Fact]
        public void Data_written_on_another_stream_without_a_wait_is_not_there_for_the_copy_and_with_one_it_is()
        {
            var gpu = new ManagedFakeGpu();
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                Assert.Throws<BandwidthVerificationException>(() =>
                    session.Run(new WritesOnItsOwnStream(waits: false), Quick(), CancellationToken.None));
                AssertOnlyTheSessionIsLeft(gpu);

                Assert.True(session.Run(new WritesOnItsOwnStream(waits: true), Quick(), CancellationToken.None).Verified);
                AssertOnlyTheSessionIsLeft(gpu);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_copy_one_element_past_its_buffer_is_refused_by_the_copy_engine_and_the_kernel(bool kernel)
        {
            var gpu = new ManagedFakeGpu();
            using (BandwidthSession session = BandwidthSession.Open(gpu, new FakeSurroundings(), gpu.Devices()[0]))
            {
                var e = Assert.Throws<CudaException>(() =>
                    session.Run(new CopiesPastTheEnd(kernel, by: 16), Quick(), CancellationToken.None));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, e.Result);
                AssertOnlyTheSessionIsLeft(gpu);

                Assert.True(session.Run(new CopiesPastTheEnd(kernel, by: 0), Quick(), CancellationToken.None).Verified);
                AssertOnlyTheSessionIsLeft(gpu);
            }

            AssertNothingLeft(gpu);
        }

        /// <summary>A device-to-host copy checked in the test's own Run, before or after synchronising its stream.</summary>
        private sealed class ChecksHostCopy : BandwidthTest
        {
            private readonly bool _synchronises;

            public ChecksHostCopy(bool synchronises)
                : base("planted_check_before_sync", "planted", BandwidthPath.Host, new BufferPlan(1, 1, HostMemory.PageLocked))
            {
                _synchronises = synchronises;
            }

            internal override BandwidthResult Run(BandwidthRun run)
            {
                DeviceMemory src = run.Written(run.SeedA);
                HostBuffer dst = run.HostCleared();
                Action<PortStream> copy = run.CopyEngineDeviceToHost(dst, src);
                copy(run.Stream.Stream);
                if (_synchronises) run.Stream.Synchronize();
                run.ExpectPattern(dst, run.SeedA)();
                return run.Measure(new BandwidthMeasurement
                {
                    Forward = copy,
                    Verify = run.ExpectPattern(dst, run.SeedA),
                    Engine = Engines.CopyEngine,
                    Theoretical = run.HostLinkTheoretical(1),
                });
            }
        }

        /// <summary>A source written by the write kernel on a stream of the test's own, then copied on the run's stream.</summary>
        private sealed class WritesOnItsOwnStream : BandwidthTest
        {
            private readonly bool _waits;

            public WritesOnItsOwnStream(bool waits)
                : base("planted_unordered_streams", "planted", BandwidthPath.Device, new BufferPlan(2))
            {
                _waits = waits;
            }

            internal override BandwidthResult Run(BandwidthRun run)
            {
                IGpuPort port = run.Session.Port;
                DeviceMemory src = run.DeviceBuffer();
                DeviceMemory dst = run.Cleared();
                using (var writer = new OwnedStream(port))
                using (GpuEvent written = GpuEvent.Create(port))
                {
                    run.Session.LaunchWrite(src, run.Elements, run.SeedA, writer.Stream);
                    written.Record(writer.Stream);
                    if (_waits) port.Wait(run.Stream.Stream, written.Handle);
                    port.CopyOnDevice(dst.Pointer, src.Pointer, run.Bytes, run.Stream.Stream);
                    run.Stream.Synchronize();
                    run.ExpectPattern(dst, run.SeedA)();
                }

                return run.Measure(new BandwidthMeasurement
                {
                    Forward = run.CopyEngineDeviceToDevice(dst, src),
                    Verify = run.ExpectPattern(dst, run.SeedA),
                    Engine = Engines.CopyEngine,
                    Theoretical = run.DeviceMemoryTheoretical(),
                });
            }
        }

        /// <summary>A device copy whose target starts <c>by</c> bytes into its buffer, so it runs that far past the end.</summary>
        private sealed class CopiesPastTheEnd : BandwidthTest
        {
            private readonly bool _kernel;
            private readonly ulong _by;

            public CopiesPastTheEnd(bool kernel, ulong by)
                : base("planted_out_of_bounds", "planted", BandwidthPath.Device, new BufferPlan(2))
            {
                _kernel = kernel;
                _by = by;
            }

            internal override BandwidthResult Run(BandwidthRun run)
            {
                DeviceMemory src = run.Written(run.SeedA);
                DeviceMemory dst = run.Cleared();
                IGpuPort port = run.Session.Port;
                Action<PortStream> copy = _kernel
                    ? run.SmPipelinedCopy(dst.Pointer + _by, src.Pointer)
                    : s => port.CopyOnDevice(dst.Pointer + _by, src.Pointer, run.Bytes, s);
                return run.Measure(new BandwidthMeasurement
                {
                    Forward = copy,
                    Verify = run.ExpectPattern(dst, run.SeedA),
                    Engine = _kernel ? Engines.SmKernel : Engines.CopyEngine,
                    Theoretical = run.DeviceMemoryTheoretical(),
                });
            }
        }
    }
}
