using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// nvbandwidth's device_to_device_bidirectional_memcpy_write_ce, issued from one GPU: one copy writes into the peer
    /// while another reads from it, on two streams, so each direction of the link carries one copy.
    /// </summary>
    internal sealed class DeviceToDeviceBidirectionalMemcpyWriteCe : BandwidthTest
    {
        public const string TestId = "device_to_device_bidirectional_memcpy_write_ce";

        public DeviceToDeviceBidirectionalMemcpyWriteCe()
            : base(
                TestId,
                "Copy engines copy into and out of the peer GPU's memory at once, on two streams.",
                BandwidthPath.Peer, new BufferPlan(2))
        {
        }

        // With access only from this GPU to the peer the driver ran both copies one after the other (H100 pair: 397 GB/s
        // for both, against 782 GB/s with access both ways), which would not be a figure of the link in both directions.
        public override bool PeerAccessBothWays => true;

        internal override BandwidthResult Run(BandwidthRun run)
        {
            PeerBothWays both = PeerBothWays.Prepare(run);
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineToPeer(both.RemoteTarget, both.LocalSource),
                Backward = run.CopyEngineFromPeer(both.LocalTarget, both.RemoteSource),
                Verify = both.Verify,
                CountedBuffers = 2,
                TrafficBuffers = 2,
                Counted = "both directions added: one buffer each way per operation",
                Engine = Engines.CopyEngine,
                Theoretical = run.PeerLinkTheoretical(2),
                Method = "cuMemcpyPeerAsync both ways at once on two of GPU " + run.Session.Device.Index
                    + "'s streams, peer access enabled both ways; time from the common start to the later stream's end",
            });
        }
    }
}
