using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>Writes device memory with a kernel storing a computed pattern, checked word by word.</summary>
    internal sealed class DeviceWriteSm : BandwidthTest
    {
        public const string TestId = "device_write_sm";

        public DeviceWriteSm()
            : base(
                TestId,
                "SM kernel writes a computed pattern into the GPU's memory (16-byte stores).",
                BandwidthPath.Device, new BufferPlan(1))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory dst = run.Cleared();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = s => run.Session.LaunchWrite(dst, run.Elements, run.SeedA, s),
                Verify = run.ExpectPattern(dst, run.SeedA),
                Counted = "written once; traffic = bytes written",
                Engine = Engines.SmKernel,
                Theoretical = run.DeviceMemoryTheoretical(),
                Method = "dlgpu_write kernel: 16-byte stores of a computed pattern, one element per thread",
            });
        }
    }
}
