using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// nvbandwidth's device_to_host_memcpy_sm (https://github.com/NVIDIA/nvbandwidth, README "Test cases"): the GPU's
    /// own kernel stores into page-locked host memory mapped into its address space, instead of a copy engine.
    /// </summary>
    internal sealed class DeviceToHostMemcpySm : BandwidthTest
    {
        public const string TestId = "device_to_host_memcpy_sm";

        public DeviceToHostMemcpySm()
            : base(
                TestId,
                "SM kernel on the GPU writes the GPU's memory into mapped page-locked host memory.",
                BandwidthPath.Host, new BufferPlan(1, 1, HostMemory.PageLockedMapped))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory src = run.Written(run.SeedA);
            HostBuffer dst = run.HostCleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.SmPipelinedCopy(run.MappedAddress(dst), src.Pointer),
                Verify = run.ExpectPattern(dst, run.SeedA),
                Counted = "copied once, device to host",
                Engine = Engines.SmKernel,
                Theoretical = run.HostLinkTheoretical(1),
                Method = "dlgpu_copy_strided kernel storing into page-locked host memory mapped into the GPU (cuMemHostAlloc DEVICEMAP, "
                    + "cuMemHostGetDevicePointer), eight 16-byte loads in flight a thread, two 512-thread blocks an SM; "
                    + "allocated and queued " + run.Placement,
            });
        }
    }
}
