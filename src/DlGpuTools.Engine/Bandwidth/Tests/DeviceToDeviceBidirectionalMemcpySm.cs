using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// Both directions of the link from one GPU's kernels in one launch: even warps write into the peer, odd warps read
    /// from it (ours: nvbandwidth's SM bidirectional test runs kernels on both GPUs).
    /// </summary>
    internal sealed class DeviceToDeviceBidirectionalMemcpySm : BandwidthTest
    {
        public const string TestId = "device_to_device_bidirectional_memcpy_sm";

        public DeviceToDeviceBidirectionalMemcpySm()
            : base(
                TestId,
                "SM kernel on this GPU writes into and reads from the peer GPU's memory at once, in one launch.",
                BandwidthPath.Peer, new BufferPlan(2))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            PeerBothWays both = PeerBothWays.Prepare(run);
            return run.Measure(new BandwidthMeasurement
            {
                Forward = s => run.Session.LaunchPipelinedCopies(
                    both.RemoteTarget, both.LocalSource, both.LocalTarget, both.RemoteSource, run.Elements, s),
                Verify = both.Verify,
                CountedBuffers = 2,
                TrafficBuffers = 2,
                Counted = "both directions added: one buffer each way per operation",
                Engine = Engines.SmKernel,
                Theoretical = run.PeerLinkTheoretical(2),
                Method = "dlgpu_copy_strided kernel on GPU " + run.Session.Device.Index
                    + " (eight loads in flight a thread, two 512-thread blocks an SM), its even warps writing into the peer's memory"
                    + " and its odd warps reading from it, in one launch; peer access enabled",
            });
        }
    }
}
