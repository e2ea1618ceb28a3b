using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>Reads device memory with a kernel that XORs every word, one result per block, so no load can be dropped.</summary>
    internal sealed class DeviceReadSm : BandwidthTest
    {
        public const string TestId = "device_read_sm";

        public DeviceReadSm()
            : base(
                TestId,
                "SM kernel reads the GPU's memory (16-byte loads XOR-reduced per block).",
                BandwidthPath.Device, new BufferPlan(1, blockSums: true))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory src = run.Written(run.SeedA);
            DeviceMemory sums = run.BlockSums();
            return run.Measure(new BandwidthMeasurement
            {
                Forward = s => run.Session.LaunchRead(src, run.Elements, sums, s),
                Verify = () => run.Session.VerifyRead(Id, sums, run.Elements, run.SeedA),
                Counted = "read once; traffic = bytes read (the kernel writes 4 bytes per block)",
                Engine = Engines.SmKernel,
                Theoretical = run.DeviceMemoryTheoretical(),
                Method = "dlgpu_read kernel: 16-byte loads XOR-reduced per block, grid-stride loop with four loads in flight per thread",
            });
        }
    }
}
