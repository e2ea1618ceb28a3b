using System;
using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>STREAM's triad, a = b + s*c, in 32-bit integers so every sampled word can be checked exactly.</summary>
    internal sealed class DeviceTriadSm : BandwidthTest
    {
        public const string TestId = "device_triad_sm";
        private const uint Scalar = 3;

        public DeviceTriadSm()
            : base(
                TestId,
                "SM kernel computes STREAM's triad a = b + s*c over three buffers of the GPU's memory.",
                BandwidthPath.Device, new BufferPlan(3))
        {
        }

        internal override BandwidthResult Run(BandwidthRun run)
        {
            DeviceMemory b = run.Written(run.SeedA);
            DeviceMemory c = run.Written(run.SeedB);
            DeviceMemory a = run.Cleared();
            Func<ulong, uint> expected = k => unchecked(BandwidthPattern.Word(k, run.SeedA) + Scalar * BandwidthPattern.Word(k, run.SeedB));
            return run.Measure(new BandwidthMeasurement
            {
                Forward = s => run.Session.LaunchTriad(a, b, c, run.Elements, Scalar, s),
                Verify = () => run.Session.VerifyDevice(Id, a, run.Elements, run.Request, expected),
                CountedBuffers = 3,
                TrafficBuffers = 3,
                Counted = "STREAM triad: 2 arrays read + 1 written, 3x the buffer",
                Engine = Engines.SmKernel,
                Theoretical = run.DeviceMemoryTheoretical(),
                Method = "dlgpu_triad kernel: a = b + s*c on 32-bit integers, 16-byte loads and stores",
            });
        }
    }
}
