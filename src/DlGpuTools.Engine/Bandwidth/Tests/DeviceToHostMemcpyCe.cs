using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>nvbandwidth's device_to_host_memcpy_ce: the copy engine copies the GPU's memory into page-locked host memory.</summary>
    internal class DeviceToHostMemcpyCe : BandwidthTest
    {
        public const string TestId = "device_to_host_memcpy_ce";

        public DeviceToHostMemcpyCe()
            : this(TestId, "Copy engine copies the GPU's memory into page-locked host memory (cuMemcpyDtoHAsync).", HostMemory.PageLocked)
        {
        }

        /// <summary>For the pageable variant, the same copy into other host memory.</summary>
        private protected DeviceToHostMemcpyCe(string id, string description, HostMemory memory)
            : base(id, description, BandwidthPath.Host, new BufferPlan(1, 1, memory))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory src = run.Written(run.SeedA);
            HostBuffer dst = run.HostCleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineDeviceToHost(dst, src),
                Verify = run.ExpectPattern(dst, run.SeedA),
                Counted = "copied once, device to host",
                Engine = Engines.CopyEngine,
                Theoretical = run.HostLinkTheoretical(1),
                Method = run.HostCopyMethod("DtoH"),
            });
        }
    }
}
