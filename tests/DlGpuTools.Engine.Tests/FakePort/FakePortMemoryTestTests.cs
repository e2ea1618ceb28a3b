using System;
using System.Linq;
using System.Threading;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// Test-GpuHealth's memory pattern run (MemoryTest over the port, one worker thread and context per GPU) and its
    /// judgement, on two managed fake GPUs: one sound, one with a stuck bit.
    /// </summary>
    public class FakePortMemoryTestTests
    {
        [Fact]
        public void The_memory_test_finds_a_stuck_bit_on_one_GPU_and_passes_the_other()
        {
            // 288 MiB: the test leaves 256 MiB to others, so 32 MiB is tested.
            var gpu = new ManagedFakeGpu(devices: 2, memoryBytes: 288UL << 20);
            // A word 1 MiB + 40 bytes into GPU 1's first test block (the results buffer comes first, 64 KiB rounded).
            ulong gpu1Base = 2UL << 40;
            ulong resultsSpan = 0x10000;
            gpu.StuckLow = (gpu1Base + resultsSpan + (1UL << 20) + 40, 0x80000000u);

            var outcomes = MemoryTest.Run(gpu, gpu.Devices(), TimeSpan.Zero, TimeSpan.FromSeconds(30), CancellationToken.None, null);

            var sound = outcomes.Single(o => o.Index == 0);
            var bad = outcomes.Single(o => o.Index == 1);
            Assert.Null(sound.Failure);
            Assert.Null(bad.Failure);
            Assert.Equal(7, sound.PatternsChecked);
            Assert.Equal(0, sound.BadWords);
            Assert.True(bad.BadWords > 0);
            Assert.Equal((1UL << 20) + 40, bad.FirstBadOffset);
            Assert.Equal(0x80000000u, bad.BadBits);
            Assert.Equal("ones", bad.FirstBadPattern);
            Assert.Equal(0, gpu.LiveAllocations + gpu.LiveStreams + gpu.LiveEvents + gpu.LiveContexts);

            GpuHealthCheck failed = MemoryTestCheck.DeviceMemory(bad, TimeSpan.FromSeconds(30));
            GpuHealthCheck passed = MemoryTestCheck.DeviceMemory(sound, TimeSpan.FromSeconds(30));
            Assert.Equal(nameof(CheckStatus.Failed), failed.Status.ToString());
            Assert.Equal(nameof(HealthAction.ResetGpu), failed.Action.ToString());
            Assert.Contains("first at byte 1,048,616", failed.Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(CheckStatus.Passed), passed.Status.ToString());
        }

        [Fact]
        public void A_GPU_with_too_little_free_memory_to_test_is_that_GPU_s_failure_not_the_run_s()
        {
            // Less than the 256 MiB the test leaves to the driver and other programs.
            var gpu = new ManagedFakeGpu(devices: 1, memoryBytes: 8UL << 20);

            var outcome = Assert.Single(MemoryTest.Run(gpu, gpu.Devices(), TimeSpan.Zero, TimeSpan.FromSeconds(30),
                CancellationToken.None, null));

            Assert.IsType<InvalidOperationException>(outcome.Failure);
            Assert.Equal(0UL, outcome.TestedBytes);
            Assert.Equal(0, gpu.LiveAllocations + gpu.LiveStreams + gpu.LiveContexts);
        }
    }
}
