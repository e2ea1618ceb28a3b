using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>Copies within device memory with a kernel; nvbandwidth counts a copy once, the traffic is twice that.</summary>
    internal sealed class DeviceLocalCopySm : BandwidthTest
    {
        public const string TestId = "device_local_copy_sm";

        public DeviceLocalCopySm()
            : base(TestId, "SM kernel copies one buffer of the GPU's memory into another.", BandwidthPath.Device, new BufferPlan(2))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory src = run.Written(run.SeedA);
            DeviceMemory dst = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.SmCopy(dst, src),
                Verify = run.ExpectPattern(dst, run.SeedA),
                TrafficBuffers = 2,
                Counted = "copied once (as nvbandwidth counts); traffic = read + write, 2x",
                Engine = Engines.SmKernel,
                Theoretical = run.DeviceMemoryTheoretical(),
                Method = "dlgpu_copy kernel: a 16-byte load and store per thread",
            });
        }
    }
}
