using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// nvbandwidth's host_to_device_memcpy_sm (https://github.com/NVIDIA/nvbandwidth, README "Test cases"): the GPU's
    /// own kernel loads page-locked host memory mapped into its address space over the link, instead of a copy engine.
    /// </summary>
    internal sealed class HostToDeviceMemcpySm : BandwidthTest
    {
        public const string TestId = "host_to_device_memcpy_sm";

        public HostToDeviceMemcpySm()
            : base(
                TestId,
                "SM kernel on the GPU reads mapped page-locked host memory into the GPU's memory.",
                BandwidthPath.Host, new BufferPlan(1, 1, HostMemory.PageLockedMapped))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            HostBuffer src = run.HostFilled(run.SeedA);
            DeviceMemory dst = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.SmPipelinedCopy(dst.Pointer, run.MappedAddress(src)),
                Verify = run.ExpectPattern(dst, run.SeedA),
                Counted = "copied once, host to device",
                Engine = Engines.SmKernel,
                Theoretical = run.HostLinkTheoretical(1),
                Method = "dlgpu_copy_strided kernel loading page-locked host memory mapped into the GPU (cuMemHostAlloc DEVICEMAP, "
                    + "cuMemHostGetDevicePointer), eight 16-byte loads in flight a thread, two 512-thread blocks an SM; "
                    + "allocated and queued " + run.Placement,
            });
        }
    }
}
