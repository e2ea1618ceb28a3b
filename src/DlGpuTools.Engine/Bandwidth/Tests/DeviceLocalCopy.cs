using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>nvbandwidth's device_local_copy: the copy engine copies within device memory.</summary>
    internal sealed class DeviceLocalCopy : BandwidthTest
    {
        public const string TestId = "device_local_copy";

        public DeviceLocalCopy()
            : base(
                TestId,
                "Copy engine copies one buffer of the GPU's memory into another (cuMemcpyDtoDAsync).",
                BandwidthPath.Device, new BufferPlan(2))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory src = run.Written(run.SeedA);
            DeviceMemory dst = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = run.CopyEngineDeviceToDevice(dst, src),
                Verify = run.ExpectPattern(dst, run.SeedA),
                TrafficBuffers = 2,
                Counted = "copied once (as nvbandwidth counts); traffic = read + write, 2x",
                Engine = Engines.CopyEngine,
                Theoretical = run.DeviceMemoryTheoretical(),
                Method = "cuMemcpyDtoDAsync within the GPU",
            });
        }
    }
}
