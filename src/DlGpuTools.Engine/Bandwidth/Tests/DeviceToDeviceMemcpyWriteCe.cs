using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>nvbandwidth's device_to_device_memcpy_write_ce: this GPU's copy engine writes into the peer's memory.</summary>
    internal sealed class DeviceToDeviceMemcpyWriteCe : BandwidthTest
    {
        public const string TestId = "device_to_device_memcpy_write_ce";

        public DeviceToDeviceMemcpyWriteCe()
            : base(
                TestId,
                "Copy engine writes this GPU's memory into the peer GPU's (cuMemcpyPeerAsync).",
                BandwidthPath.Peer, new BufferPlan(1))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory local = run.Written(run.SeedA);
            DeviceMemory remote = run.PeerCleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineToPeer(remote, local),
                Verify = run.ExpectPattern(remote, run.SeedA),
                Counted = "copied once, " + run.Pair,
                Engine = Engines.CopyEngine,
                Theoretical = run.PeerLinkTheoretical(1),
                Method = "cuMemcpyPeerAsync on GPU " + run.Session.Device.Index
                    + "'s stream, peer access enabled (the copy engine writes into the peer's memory)",
            });
        }
    }
}
