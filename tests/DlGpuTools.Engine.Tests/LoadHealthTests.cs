using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Test-GpuHealth's Standard and Long levels against the fake driver, cuBLASLt and NVML: the fake multiplies
    /// for real on the host (small matrices), runs the comparison and pattern kernels as the PTX does, and times
    /// every batch at FAKECUDA_EVENT_MS so the throughput is predictable. Each injected fault fails or warns its check.
    /// </summary>
    public sealed class LoadHealthTests : FakeLibraryTest
    {
        private const string CleanBoard = "FAKENVML_ECC_HISTORY=0";
        private const string Idle = "FAKENVML_GPU0_PROCESSES=0";

        // 64 results of 2*64^3 flop per 0.00005 ms batch: 671 TFLOPS, 68% of an H100 SXM's 989 TFLOPS BF16 peak.
        private const string FastEvents = "FAKECUDA_EVENT_MS=0.00005";

        // GPU 0 under a name the card table knows, so its throughput has a peak to be measured against.
        private const string KnownCard = "FAKECUDA_NAME0=NVIDIA H100 80GB HBM3";

        // The screening copy on the fake H100 is 8 x its 50 MiB L2: real host memory, so the copy can be verified.
        private const string RealCopies = "FAKECUDA_REAL_LIMIT_MB=512";

        private static GpuHealthReport Run(HealthLevel level, int[]? gpus = null, double seconds = 0.4, double timeout = 10)
        {
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            return HealthAssert.Agrees(HealthChecker.Run(runtime, new HealthRequest
            {
                Level = level,
                Duration = TimeSpan.FromSeconds(seconds),
                MatrixSize = 64,
                XidWatch = TimeSpan.FromMilliseconds(50),
                SampleInterval = TimeSpan.FromMilliseconds(50),
                CallTimeout = TimeSpan.FromSeconds(timeout),
                Devices = gpus == null ? null : DeviceKeys.OfIndexes(gpus),
            }));
        }

        private static GpuHealthCheck Check(GpuHealthReport report, int gpu, string id) =>
            report.Gpus.Single(g => g.Index == gpu).Checks.Single(c => c.Id == id);

        private static void AssertEverythingReleased()
        {
            // A stress worker gives its context back on its own thread; allow it a moment after a hang is cleared.
            var clock = Stopwatch.StartNew();
            while ((FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts") != 0
                || FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations") != 0)
                   && clock.ElapsedMilliseconds < 5000) Thread.Sleep(20);
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_pinned"));
        }

        [FakeFact]
        public void Standard_on_a_clean_host_stresses_every_gpu_compares_every_result_and_passes()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, KnownCard, RealCopies);
            GpuHealthReport report = Run(HealthLevel.Standard);
            Assert.Equal(nameof(HealthLevel.Standard), report.Level);
            Assert.Equal(HealthVerdict.Healthy.ToString(), report.Verdict);
            GpuHealth gpu0 = report.Gpus.Single(g => g.Index == 0);
            GpuHealthCheck results = Check(report, 0, "gemm_results");
            Assert.Equal(nameof(CheckStatus.Passed), results.Status);
            Assert.Matches(@"BF16 GEMMs of 64x64x64 .*matched the first bit for bit", results.Detail);
            Assert.Equal("BF16", gpu0.StressDataType);
            Assert.InRange(gpu0.StressTflops ?? 0, 600, 750);
            Assert.InRange(gpu0.StressPercentOfPeak ?? 0, 60, 76);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "gemm_throughput").Status);
            // The fake's GPU 1 is another model (an RTX 3090): there is no peer to compare with.
            Assert.Equal(nameof(CheckStatus.Skipped), Check(report, 0, "gemm_vs_peers").Status);
            Assert.Equal(nameof(CheckStatus.Skipped), Check(report, 0, "peer_results").Status);
            GpuHealthCheck clocks = Check(report, 0, "clocks_and_power");
            Assert.Equal(nameof(CheckStatus.Passed), clocks.Status);
            Assert.Matches(@"SM clock median \d+ MHz", clocks.Detail);
            Assert.NotNull(gpu0.SmClockMHz);
            Assert.NotNull(gpu0.PowerW);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "memory_bandwidth").Status);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "host_to_device").Status);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "xid_events").Status);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 1, "gemm_results").Status);
            AssertEverythingReleased();
        }

        [FakeFact]
        public void A_gemm_that_returns_one_wrong_element_on_one_call_fails_the_results_check()
        {
            // Call 1 on each GPU's handle is the first result (checked against the CPU); call 5 is in the first batch.
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKECUBLAS_WRONG_CALL=5");
            GpuHealthReport report = Run(HealthLevel.Standard);
            GpuHealthCheck results = Check(report, 0, "gemm_results");
            Assert.Equal(nameof(CheckStatus.Failed), results.Status);
            Assert.Equal(nameof(HealthAction.Drain), results.Action);
            Assert.Matches(@": 1 of [\d,]+ results differed from the first result \(1 32-bit words", results.Detail);
            Assert.Equal(HealthVerdict.Unhealthy.ToString(), report.Verdict);
            Assert.StartsWith("GPU 0: GEMM results:", report.Reason, StringComparison.Ordinal);
            AssertEverythingReleased();
        }

        [FakeFact]
        public void A_first_result_that_disagrees_with_the_cpu_fails_even_when_every_later_result_matches_it()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKECUBLAS_WRONG=1");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0 });
            GpuHealthCheck results = Check(report, 0, "gemm_results");
            Assert.Equal(nameof(CheckStatus.Failed), results.Status);
            Assert.Contains("does not match a double-precision CPU reference", results.Detail, StringComparison.Ordinal);
            AssertEverythingReleased();
        }

        [FakeFact]
        public void A_gpu_more_than_ten_percent_slower_than_its_peers_is_a_warning()
        {
            // Three fake GPUs: 0 and 2 are the same model; 2 times its batches 1.5 times as long.
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, RealCopies, "FAKECUDA_DEVICES=3",
                "FAKENVML_DEVICES=3", "FAKECUDA_SLOW_GPU=2");
            GpuHealthReport report = Run(HealthLevel.Standard);
            GpuHealthCheck slow = Check(report, 2, "gemm_vs_peers");
            Assert.Equal(nameof(CheckStatus.Warning), slow.Status);
            Assert.Equal(nameof(HealthAction.Watch), slow.Action); // slower, still in service
            Assert.Matches(@"against a median of [\d.]+ for the other 1 GPU\(s\) of this model: 66\.\d%", slow.Detail);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "gemm_vs_peers").Status);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 2, "peer_results").Status); // slower, not wrong
            Assert.Equal(HealthVerdict.Degraded.ToString(), report.Gpus.Single(g => g.Index == 2).Verdict);
            Assert.Equal(HealthVerdict.Healthy.ToString(), report.Gpus.Single(g => g.Index == 0).Verdict);
        }

        [FakeFact]
        public void A_gpu_wrong_the_same_way_every_time_passes_its_own_comparisons_and_fails_against_its_peers()
        {
            // Five fake GPUs: 0, 2 and 4 are the same model; every GEMM on GPU 2 gets the middle element wrong.
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, RealCopies, "FAKECUDA_DEVICES=5", "FAKENVML_DEVICES=5",
                "FAKECUBLAS_WRONG_DEVICE=2");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0, 2, 4 });
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 2, "gemm_results").Status); // consistent with itself
            GpuHealthCheck peers = Check(report, 2, "peer_results");
            Assert.Equal(nameof(CheckStatus.Failed), peers.Status);
            Assert.Equal(nameof(HealthAction.Drain), peers.Action);
            Assert.Contains("differs from that of 2 of the other 2 GPU(s) of this model (0, 4)", peers.Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "peer_results").Status);
            Assert.Contains("GPU 2 differ(s)", Check(report, 4, "peer_results").Detail, StringComparison.Ordinal);
            Assert.Equal(HealthVerdict.Unhealthy.ToString(), report.Verdict);
        }

        [FakeFact]
        public void Two_gpus_that_disagree_with_no_third_to_decide_both_fail_since_one_computes_wrong_results()
        {
            // Wrong bits are a failure wherever they show (as one wrong word fails "GEMM results"); which GPU is
            // wrong cannot be told, so both are drained (Drain: a fault the check cannot place).
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, RealCopies, "FAKECUDA_DEVICES=3", "FAKENVML_DEVICES=3",
                "FAKECUBLAS_WRONG_DEVICE=2");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0, 2 });
            Assert.Equal(nameof(CheckStatus.Failed), Check(report, 0, "peer_results").Status);
            Assert.Equal(nameof(CheckStatus.Failed), Check(report, 2, "peer_results").Status);
            Assert.Equal(nameof(HealthAction.Drain), Check(report, 2, "peer_results").Action);
            Assert.Contains("differs from GPU 2's and no majority", Check(report, 0, "peer_results").Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(HealthVerdict.Unhealthy), report.Verdict);
        }

        [FakeFact]
        public void Wrong_data_after_the_device_copy_fails_the_memory_bandwidth_check()
        {
            // The copy kernels leave the last element alone, so the copy's data is wrong. Wrong memory data is as bad
            // as a wrong GEMM word, so it fails and the node is drained (not a Warning with Watch).
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, KnownCard, RealCopies, "FAKECUDA_KERNEL_SKIP_LAST=1");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0 });
            GpuHealthCheck copy = Check(report, 0, "memory_bandwidth");
            Assert.Equal(nameof(CheckStatus.Failed), copy.Status);
            Assert.Equal(nameof(HealthAction.Drain), copy.Action);
            Assert.Contains("the data after the copies is wrong", copy.Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "gemm_results").Status); // only the copy is wrong
            Assert.Equal(nameof(HealthVerdict.Unhealthy), report.Verdict);
            Assert.StartsWith("GPU 0: Memory bandwidth: ", report.Reason, StringComparison.Ordinal);
            AssertEverythingReleased();
        }

        [FakeFact]
        public void A_gpu_far_below_the_card_peak_is_a_warning()
        {
            // 0.0005 ms a batch: 67 TFLOPS, 7% of the H100's BF16 peak.
            FakeLibraries.Configure(CleanBoard, Idle, KnownCard, "FAKECUDA_EVENT_MS=0.0005");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0 });
            GpuHealthCheck throughput = Check(report, 0, "gemm_throughput");
            Assert.Equal(nameof(CheckStatus.Warning), throughput.Status);
            Assert.Contains("below 50% of it", throughput.Detail, StringComparison.Ordinal);
        }

        [FakeFact]
        public void A_hardware_slowdown_under_load_fails_the_clocks_check()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKENVML_CLOCK_EVENTS=0x40");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0 });
            GpuHealthCheck clocks = Check(report, 0, "clocks_and_power");
            Assert.Equal(nameof(CheckStatus.Failed), clocks.Status);
            Assert.Contains("HwThermalSlowdown in", clocks.Detail, StringComparison.Ordinal);
        }

        [FakeFact]
        public void Corrected_ecc_errors_that_appear_under_load_are_a_warning()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKENVML_ECC_CORRECTED_STEP=2");
            GpuHealthReport report = Run(HealthLevel.Standard, gpus: new[] { 0 });
            GpuHealthCheck ecc = Check(report, 0, "ecc_under_load");
            Assert.Equal(nameof(CheckStatus.Warning), ecc.Status);
            Assert.Equal(nameof(HealthAction.Watch), ecc.Action);
            Assert.Matches(@"^\d+ corrected ECC error\(s\) during the GEMM stress \(none uncorrectable\)\.$", ecc.Detail);
            Assert.Equal(nameof(CheckStatus.Passed), Check(report, 0, "ecc_errors").Status); // Quick reads uncorrectable errors only
        }

        [FakeFact]
        public void A_gemm_that_hangs_is_a_failed_check_within_the_time_limit_not_a_hung_command()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKECUBLAS_FAIL=cublasLtMatmul=-1");
            var clock = Stopwatch.StartNew();
            GpuHealthReport report;
            try
            {
                report = Run(HealthLevel.Standard, gpus: new[] { 0 }, seconds: 0.2, timeout: 0.3);
            }
            finally
            {
                FakeLibraries.Configure(CleanBoard, Idle, FastEvents); // the fake's call returns once the fault is gone
            }

            Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);
            GpuHealthCheck results = Check(report, 0, "gemm_results");
            Assert.Equal(nameof(CheckStatus.Failed), results.Status);
            Assert.Equal(nameof(HealthAction.RebootNode), results.Action);
            Assert.Contains("hung", results.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(report.Gpus[0].Checks, c => c.Id == "memory_bandwidth"); // not tried on a hung GPU
            AssertEverythingReleased();
        }

        [FakeFact]
        public void Long_writes_and_verifies_every_pattern_over_most_of_the_free_memory()
        {
            // 1 GiB of fake memory, 512 MiB of it the driver's: the test's blocks are real host memory the fake kernels fill.
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKECUDA_MEMORY_MB=1024");
            GpuHealthReport report = Run(HealthLevel.Long, gpus: new[] { 0 }, seconds: 0.2);
            GpuHealthCheck memory = Check(report, 0, "memory_test");
            Assert.Equal(nameof(CheckStatus.Passed), memory.Status);
            Assert.Matches(@"^\d+ pattern\(s\) in \d+ pass\(es\) over 0\.\d GiB of the 0\.\d GiB free", memory.Detail);
            Assert.InRange(report.Gpus[0].MemoryTestedGiB ?? 0, 0.1, 0.5);
            AssertEverythingReleased();
        }

        [FakeFact]
        public void A_memory_cell_that_does_not_hold_a_bit_fails_the_memory_test_with_where_and_which_bit()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents, "FAKECUDA_MEMORY_MB=1024", "FAKECUDA_BAD_WORD=3");
            GpuHealthReport report = Run(HealthLevel.Long, gpus: new[] { 0 }, seconds: 0.1);
            GpuHealthCheck memory = Check(report, 0, "memory_test");
            Assert.Equal(nameof(CheckStatus.Failed), memory.Status);
            Assert.Equal(nameof(HealthAction.ResetGpu), memory.Action);
            Assert.Contains("the first at byte 12 of the tested memory in the zeros pattern; bits that differed 0x00000010", memory.Detail,
                StringComparison.Ordinal);
            AssertEverythingReleased();
        }

        [FakeFact]
        public void Cancelling_stops_the_stress_and_frees_every_buffer()
        {
            FakeLibraries.Configure(CleanBoard, Idle, FastEvents);
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
            {
                var clock = Stopwatch.StartNew();
                Assert.ThrowsAny<OperationCanceledException>(() => HealthChecker.Run(runtime, new HealthRequest
                {
                    Level = HealthLevel.Standard, Duration = TimeSpan.FromSeconds(30), MatrixSize = 64,
                        XidWatch = TimeSpan.Zero, Cancel = cancel.Token,
                }));
                Assert.InRange(clock.Elapsed.TotalSeconds, 0.2, 5);
            }

            AssertEverythingReleased();
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_live_event_sets"));
        }

        [Theory]
        [InlineData(1.0, 3u, 4u, "Warning")]      // Quick: an idle link should replay nothing
        [InlineData(63.5, 3u, 5u, "Passed")]      // Standard: 1.9 a minute under load, below DCGM's 8
        [InlineData(63.5, 3u, 13u, "Warning")]    // 9.4 a minute
        public void Pcie_replays_during_the_check_warn_at_any_growth_when_idle_and_from_eight_a_minute_under_load(double seconds,
            uint before, uint after, string status)
        {
            GpuHealthCheck? check = PcieReplaysCheck.ReplaysDuring(0, before, after, TimeSpan.FromSeconds(seconds));
            Assert.NotNull(check);
            Assert.Equal(status, check.Status);
            Assert.Null(PcieReplaysCheck.ReplaysDuring(0, 3, 3, TimeSpan.FromSeconds(seconds)));
        }

        [Theory]
        [InlineData(0, 0x55555555u, 7UL, 0x55555555u)]
        [InlineData(1, 0u, 0x1_0000_0007UL, 7u)]
        [InlineData(1, 0xFFFFFFFFu, 7UL, 0xFFFFFFF8u)]
        [InlineData(2, 0u, 0UL, 0u)]
        [InlineData(2, 1u, 0UL, 0x514E28B7u)]
        public void The_pattern_words_are_the_ones_the_kernels_write(int mode, uint value, ulong index, uint expected)
        {
            // Solid 0, address 1, random 2; fmix32(1) = 0x514E28B7 (MurmurHash3's finalizer), fmix32(0) = 0.
            Assert.Equal(expected, HealthKernels.Expected((PatternMode)mode, value, index));
        }
    }
}
