using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>This GPU's copy kernel loads from the peer's memory over the link, eight loads in flight a thread.</summary>
    internal sealed class DeviceToDeviceMemcpyReadSm : BandwidthTest
    {
        public const string TestId = "device_to_device_memcpy_read_sm";

        public DeviceToDeviceMemcpyReadSm()
            : base(TestId, "SM kernel on this GPU reads the peer GPU's memory into this GPU's.", BandwidthPath.Peer, new BufferPlan(1))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory remote = run.PeerWritten(run.SeedA);
            DeviceMemory local = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.SmPipelinedCopy(local.Pointer, remote.Pointer),
                Verify = run.ExpectPattern(local, run.SeedA),
                Counted = "copied once, GPU " + run.Peer.Device.Index + "'s memory read into GPU " + run.Session.Device.Index,
                Engine = Engines.SmKernel,
                Theoretical = run.PeerLinkTheoretical(1),
                Method = "dlgpu_copy_strided kernel on GPU " + run.Session.Device.Index
                    + " reading the peer's memory with 16-byte loads, eight in flight a thread, two 512-thread blocks an SM,"
                    + " peer access enabled",
            });
        }
    }
}
