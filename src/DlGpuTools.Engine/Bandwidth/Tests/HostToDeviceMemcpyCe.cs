using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>nvbandwidth's host_to_device_memcpy_ce: the copy engine copies page-locked host memory into the GPU.</summary>
    internal class HostToDeviceMemcpyCe : BandwidthTest
    {
        public const string TestId = "host_to_device_memcpy_ce";

        public HostToDeviceMemcpyCe()
            : this(TestId, "Copy engine copies page-locked host memory into the GPU (cuMemcpyHtoDAsync).", HostMemory.PageLocked)
        {
        }

        /// <summary>For the pageable variant, the same copy from other host memory.</summary>
        private protected HostToDeviceMemcpyCe(string id, string description, HostMemory memory)
            : base(id, description, BandwidthPath.Host, new BufferPlan(1, 1, memory))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            HostBuffer src = run.HostFilled(run.SeedA);
            DeviceMemory dst = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineHostToDevice(dst, src),
                Verify = run.ExpectPattern(dst, run.SeedA),
                Counted = "copied once, host to device",
                Engine = Engines.CopyEngine,
                Theoretical = run.HostLinkTheoretical(1),
                Method = run.HostCopyMethod("HtoD"),
            });
        }
    }
}
