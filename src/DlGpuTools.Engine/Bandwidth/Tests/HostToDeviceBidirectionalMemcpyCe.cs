using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// nvbandwidth's host_to_device_bidirectional_memcpy_ce, with both directions counted: a copy into the GPU and one
    /// out of it at once, on two streams, timed from their common start to the later stream's end.
    /// </summary>
    internal sealed class HostToDeviceBidirectionalMemcpyCe : BandwidthTest
    {
        public const string TestId = "host_to_device_bidirectional_memcpy_ce";

        public HostToDeviceBidirectionalMemcpyCe()
            : base(TestId, "Copy engines copy page-locked host memory into the GPU and the GPU's memory out to it, at once.",
                BandwidthPath.Host, new BufferPlan(2, 2, HostMemory.PageLocked))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            HostBuffer up = run.HostFilled(run.SeedA);
            DeviceMemory upTarget = run.Cleared();
            DeviceMemory downSource = run.Written(run.SeedB);
            HostBuffer down = run.HostCleared();
            var upChecked = run.ExpectPattern(upTarget, run.SeedA);
            var downChecked = run.ExpectPattern(down, run.SeedB);
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineHostToDevice(upTarget, up),
                Backward = run.CopyEngineDeviceToHost(down, downSource),
                Verify = () => upChecked() + downChecked(),
                CountedBuffers = 2,
                TrafficBuffers = 2,
                Counted = "both directions added: one buffer each way per operation",
                Engine = Engines.CopyEngine,
                Theoretical = run.HostLinkTheoretical(2),
                Method = "cuMemcpyHtoDAsync and cuMemcpyDtoHAsync on two streams at once, page-locked host memory allocated and queued "
                    + run.Placement + "; time from the common start to the later stream's end",
            });
        }
    }
}
