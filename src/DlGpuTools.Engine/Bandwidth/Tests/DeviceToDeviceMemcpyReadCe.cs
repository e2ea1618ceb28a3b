using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// nvbandwidth's device_to_device_memcpy_read_ce: the copy is issued by the GPU that receives, reading the peer's memory.
    /// </summary>
    internal sealed class DeviceToDeviceMemcpyReadCe : BandwidthTest
    {
        public const string TestId = "device_to_device_memcpy_read_ce";

        public DeviceToDeviceMemcpyReadCe()
            : base(
                TestId,
                "Copy engine reads the peer GPU's memory into this GPU's (cuMemcpyPeerAsync issued here).",
                BandwidthPath.Peer, new BufferPlan(1))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory remote = run.PeerWritten(run.SeedA);
            DeviceMemory local = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineFromPeer(local, remote),
                Verify = run.ExpectPattern(local, run.SeedA),
                Counted = "copied once, GPU " + run.Peer.Device.Index + "'s memory read into GPU " + run.Session.Device.Index,
                Engine = Engines.CopyEngine,
                Theoretical = run.PeerLinkTheoretical(1),
                Method = "cuMemcpyPeerAsync on GPU " + run.Session.Device.Index
                    + "'s stream from the peer's memory into this GPU's, peer access enabled"
                    + " (nvbandwidth's read test: the copy is issued by the GPU that receives)",
            });
        }
    }
}
