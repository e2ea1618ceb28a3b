using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Test-GpuHealth's NVLink state, NVLink errors and recovery action checks: each rule on its own readings, then
    /// each fault injected through the fake NVML with the verdict, action and reason it must give the node.
    /// </summary>
    public sealed class NvLinkHealthTests : FakeLibraryTest
    {
        private static readonly int[] None = Array.Empty<int>();
        private static readonly int[] AllEighteen = Enumerable.Range(0, 18).ToArray();

        private static NvLinkStates States(int[] up, int[] down, bool mig = false, uint? count = 18) =>
            new NvLinkStates(count, up, down,
                up.Length + down.Length == 0 ? NvmlReturn.NVML_ERROR_NOT_SUPPORTED : NvmlReturn.NVML_SUCCESS, mig);

        [Fact]
        public void A_gpu_without_nvlink_is_skipped_and_says_so()
        {
            GpuHealthCheck c = NvLinkStateCheck.Judge(0, States(None, None, count: null));
            Assert.Equal(nameof(CheckStatus.Skipped), c.Status);
            Assert.Equal(nameof(HealthAction.None), c.Action);
            Assert.StartsWith("No NVLink on this GPU", c.Detail, StringComparison.Ordinal);
            Assert.Contains("NVML_ERROR_NOT_SUPPORTED", c.Detail, StringComparison.Ordinal);
        }

        [Fact]
        public void Every_link_up_passes_and_a_link_down_fails_naming_it_with_drain()
        {
            Assert.Equal(nameof(CheckStatus.Passed), NvLinkStateCheck.Judge(0, States(AllEighteen, None)).Status);
            GpuHealthCheck down = NvLinkStateCheck.Judge(2, States(AllEighteen.Where(l => l != 3 && l != 7).ToArray(), new[] { 3, 7 }));
            Assert.Equal(nameof(CheckStatus.Failed), down.Status);
            Assert.Equal(nameof(HealthAction.Drain), down.Action);
            Assert.StartsWith("Link(s) 3, 7 down, 16 up, of the 18 NVML counts", down.Detail, StringComparison.Ordinal);
            Assert.Contains("nvidia-smi nvlink -s", down.Remedy, StringComparison.Ordinal);
            // Every link down (an NVSwitch system whose fabric manager is not running) fails too, as Azure's check does.
            Assert.Equal(nameof(CheckStatus.Failed), NvLinkStateCheck.Judge(0, States(None, AllEighteen)).Status);
        }

        [Fact]
        public void Links_reported_down_in_mig_mode_are_not_held_against_the_gpu()
        {
            // NVML reports NVLinks down in MIG mode whatever their state; DCGM treats them as disabled there.
            GpuHealthCheck c = NvLinkStateCheck.Judge(0, States(None, AllEighteen, mig: true));
            Assert.Equal(nameof(CheckStatus.Skipped), c.Status);
            Assert.Contains("MIG is on", c.Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(CheckStatus.Passed), NvLinkStateCheck.Judge(0, States(AllEighteen, None, mig: true)).Status);
        }

        private static NvLinkErrorCounts Counts(double atSeconds, ulong replay = 0, ulong recovery = 0, ulong crc = 0,
            ulong ecc = 0, bool withEcc = true)
        {
            var counts = new Dictionary<(int Link, NvmlNvLinkErrorCounter Kind), ulong>();
            foreach (int link in new[] { 0, 1 })
            {
                counts[(link, NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_REPLAY)] = link == 1 ? replay : 0;
                counts[(link, NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_RECOVERY)] = link == 1 ? recovery : 0;
                counts[(link, NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_FLIT)] = link == 1 ? crc : 0;
                counts[(link, NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_DATA)] = 0;
                if (withEcc) counts[(link, NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_ECC_DATA)] = link == 1 ? ecc : 0;
            }

            return new NvLinkErrorCounts(counts, (long)(atSeconds * Stopwatch.Frequency));
        }

        [Fact]
        public void Counts_since_the_reset_are_reported_and_only_growth_during_the_check_is_judged()
        {
            Assert.Equal(nameof(CheckStatus.Skipped), NvLinkErrorsCheck.Judge(0, null, null).Status);
            GpuHealthCheck first = NvLinkErrorsCheck.Judge(0, Counts(0, replay: 4, crc: 900), null);
            Assert.Equal(nameof(CheckStatus.Passed), first.Status);
            Assert.Contains("4 replay, 0 recovery, 900 CRC, 0 ECC", first.Detail, StringComparison.Ordinal);
            GpuHealthCheck still = NvLinkErrorsCheck.Judge(0, Counts(0, replay: 4, crc: 900), Counts(60, replay: 4, crc: 900));
            Assert.Equal(nameof(CheckStatus.Passed), still.Status);
            Assert.StartsWith("No NVLink error over the 60 s check", still.Detail, StringComparison.Ordinal);
            // A GPU before Ampere keeps no ECC data counter: it is left out rather than shown as 0.
            Assert.DoesNotContain("ECC", NvLinkErrorsCheck.Judge(0, Counts(0, withEcc: false), Counts(1, withEcc: false)).Detail,
                StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(0, 0, 5, 0, CheckStatus.Warning, HealthAction.Watch)] // 5 CRC in 10 s: any growth warns (DCGM)
        [InlineData(0, 0, 0, 30, CheckStatus.Warning, HealthAction.Watch)] // corrected ECC data errors: the CRC rule
        [InlineData(0, 0, 999, 0, CheckStatus.Warning, HealthAction.Watch)] // 99.9 a second: still below DCGM's 100
        [InlineData(0, 0, 1000, 0, CheckStatus.Failed, HealthAction.Drain)] // 100 a second: DCGM fails
        [InlineData(1, 0, 0, 0, CheckStatus.Failed, HealthAction.Drain)] // one replay: DCGM fails at any count
        [InlineData(0, 1, 0, 0, CheckStatus.Failed, HealthAction.Drain)] // one recovery: likewise
        public void Growth_over_the_window_warns_and_fails_at_dcgms_limits(int replay, int recovery, int crc, int ecc,
            CheckStatus status, HealthAction action)
        {
            GpuHealthCheck c = NvLinkErrorsCheck.Judge(0, Counts(0, 2, 2, 2, 2),
                Counts(10, 2 + (ulong)replay, 2 + (ulong)recovery, 2 + (ulong)crc, 2 + (ulong)ecc));
            Assert.Equal(status.ToString(), c.Status);
            Assert.Equal(action.ToString(), c.Action);
            Assert.StartsWith("Link(s) 1 took ", c.Detail, StringComparison.Ordinal);
            Assert.Contains("over the 10 s check", c.Detail, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(c.Remedy));
        }

        [Fact]
        public void A_crc_rate_is_never_taken_over_less_than_a_second()
        {
            // 50 CRC errors 0.1 s apart would read as 500 a second; over the one-second floor they are 50, a warning.
            GpuHealthCheck c = NvLinkErrorsCheck.Judge(0, Counts(0), Counts(0.1, crc: 50));
            Assert.Equal(nameof(CheckStatus.Warning), c.Status);
            Assert.Contains(": 50 CRC/ECC errors a second", c.Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(CheckStatus.Failed), NvLinkErrorsCheck.Judge(0, Counts(0), Counts(0.1, crc: 100)).Status);
        }

        [Theory]
        [InlineData(0u, CheckStatus.Passed, HealthAction.None, "None")]
        [InlineData(1u, CheckStatus.Failed, HealthAction.ResetGpu, "GPU reset")]
        [InlineData(2u, CheckStatus.Failed, HealthAction.RebootNode, "Node reboot")]
        [InlineData(3u, CheckStatus.Failed, HealthAction.Drain, "Drain P2P")]
        [InlineData(4u, CheckStatus.Failed, HealthAction.ResetGpu, "Drain and reset")]
        [InlineData(5u, CheckStatus.Failed, HealthAction.Drain, "Recover IMEX domain")]
        [InlineData(6u, CheckStatus.Failed, HealthAction.ResetGpu, "Bus reset")]
        [InlineData(7u, CheckStatus.Failed, HealthAction.RebootNode, "System reboot")]
        [InlineData(42u, CheckStatus.Failed, HealthAction.Drain, "The driver asks for recovery action 42")]
        public void Each_recovery_action_of_the_driver_maps_to_ours(uint value, CheckStatus status, HealthAction action, string detail)
        {
            GpuHealthCheck c = RecoveryActionCheck.Judge(3, NvmlReturn.NVML_SUCCESS, value);
            Assert.Equal(status.ToString(), c.Status);
            Assert.Equal(action.ToString(), c.Action);
            Assert.StartsWith(detail, c.Detail, StringComparison.Ordinal);
            if (action == HealthAction.ResetGpu && value != 6) Assert.Contains("nvidia-smi -r -i 3", c.Remedy, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(nameof(NvmlReturn.NVML_ERROR_INVALID_ARGUMENT))]
        [InlineData(nameof(NvmlReturn.NVML_ERROR_NOT_SUPPORTED))]
        [InlineData(nameof(NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND))]
        public void A_driver_that_does_not_report_the_recovery_action_is_skipped_never_failed(string statusName)
        {
            var status = Enum.Parse<NvmlReturn>(statusName);
            GpuHealthCheck c = RecoveryActionCheck.Judge(0, status, 0);
            Assert.Equal(nameof(CheckStatus.Skipped), c.Status);
            Assert.StartsWith("Not reported by this driver (" + status + ")", c.Detail, StringComparison.Ordinal);
        }

        // ---- The same faults through the fake NVML and the whole Quick check ----

        private const string Clean = "FAKENVML_ECC_HISTORY=0;FAKENVML_GPU0_PROCESSES=0";

        private static GpuHealthReport Run(string settings, double watchSeconds = 0.1)
        {
            FakeLibraries.Configure((Clean + ";" + settings).Split(';', StringSplitOptions.RemoveEmptyEntries));
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            return HealthAssert.Agrees(HealthChecker.Run(runtime, new HealthRequest { XidWatch = TimeSpan.FromSeconds(watchSeconds) }));
        }

        private static GpuHealthCheck Check(GpuHealthReport report, int gpu, string id) =>
            report.Gpus.Single(g => g.Index == gpu).Checks.Single(c => c.Id == id);

        [FakeTheory]
        [InlineData("FAKENVML_NVLINKS=18;FAKENVML_NVLINK_DOWN=3", "nvlink_state", CheckStatus.Failed, HealthAction.Drain,
            "Link(s) 3 down, 17 up")]
        [InlineData("FAKENVML_NVLINKS=18;FAKENVML_NVLINK_CRC_PER_S=50", "nvlink_errors", CheckStatus.Warning, HealthAction.Watch,
            "Link(s) 0 took 0 replay, 0 recovery, ")]
        [InlineData("FAKENVML_NVLINKS=18;FAKENVML_NVLINK_CRC_PER_S=5000", "nvlink_errors", CheckStatus.Failed,
            HealthAction.Drain, "Link(s) 0 took ")]
        [InlineData("FAKENVML_NVLINKS=18;FAKENVML_NVLINK_REPLAY_PER_S=50", "nvlink_errors", CheckStatus.Failed,
            HealthAction.Drain, "Link(s) 0 took ")]
        [InlineData("FAKENVML_NVLINKS=4;FAKENVML_NVLINK_RECOVERY_PER_S=50", "nvlink_errors", CheckStatus.Failed, HealthAction.Drain,
            "Link(s) 0 took 0 replay, ")]
        [InlineData("FAKENVML_RECOVERY_ACTION=reset", "recovery_action", CheckStatus.Failed, HealthAction.ResetGpu, "GPU reset")]
        [InlineData("FAKENVML_RECOVERY_ACTION=reboot", "recovery_action", CheckStatus.Failed, HealthAction.RebootNode, "Node reboot")]
        [InlineData("FAKENVML_RECOVERY_ACTION=drain_p2p", "recovery_action", CheckStatus.Failed, HealthAction.Drain, "Drain P2P")]
        [InlineData("FAKENVML_RECOVERY_ACTION=drain_reset", "recovery_action", CheckStatus.Failed,
            HealthAction.ResetGpu, "Drain and reset")]
        public void Each_nvlink_and_recovery_fault_is_caught_by_its_check_on_its_gpu_only(string fault, string check, CheckStatus status,
            HealthAction action, string detail)
        {
            GpuHealthReport report = Run(fault, watchSeconds: check == "nvlink_errors" ? 1 : 0.1);
            GpuHealthCheck caught = Check(report, 0, check);
            Assert.Equal(status.ToString(), caught.Status);
            Assert.Equal(action.ToString(), caught.Action);
            Assert.StartsWith(detail, caught.Detail, StringComparison.Ordinal);
            Assert.Equal((status == CheckStatus.Failed ? HealthVerdict.Unhealthy : HealthVerdict.Degraded).ToString(), report.Verdict);
            Assert.Equal(action.ToString(), report.Action);
            Assert.StartsWith("GPU 0: " + caught.Check + ": ", report.Reason, StringComparison.Ordinal);
            Assert.Equal(nameof(HealthVerdict.Healthy), report.Gpus[1].Verdict);
        }

        [FakeFact]
        public void A_healthy_nvlink_gpu_passes_both_nvlink_checks_with_its_counts()
        {
            GpuHealthReport report = Run("FAKENVML_NVLINKS=18;FAKENVML_NVLINK_ERRORS=3");
            Assert.Equal(nameof(HealthVerdict.Healthy), report.Verdict);
            Assert.Equal("All 18 link(s) up, of the 18 NVML counts.", Check(report, 0, "nvlink_state").Detail);
            GpuHealthCheck errors = Check(report, 0, "nvlink_errors");
            Assert.Equal(nameof(CheckStatus.Passed), errors.Status);
            Assert.Contains("since the counters were reset: 3 replay, 3 recovery, 6 CRC, 3 ECC", errors.Detail, StringComparison.Ordinal);
            Assert.Equal("None: the driver asks for no recovery step.", Check(report, 1, "recovery_action").Detail);
        }

        [FakeTheory]
        [InlineData("FAKENVML_RECOVERY_ACTION=unknown", "NVML_ERROR_INVALID_ARGUMENT")]
        [InlineData("FAKENVML_RECOVERY_ACTION=unsupported", "NVML_ERROR_NOT_SUPPORTED")]
        [InlineData("FAKENVML_FAIL=nvmlDeviceGetFieldValues@0=3", "NVML_ERROR_NOT_SUPPORTED")]
        public void An_older_driver_without_the_recovery_field_leaves_the_node_healthy(string driver, string said)
        {
            GpuHealthReport report = Run(driver);
            GpuHealthCheck c = Check(report, 0, "recovery_action");
            Assert.Equal(nameof(CheckStatus.Skipped), c.Status);
            Assert.Contains(said, c.Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(HealthVerdict.Healthy), report.Verdict);
        }

        [FakeFact]
        public void A_pcie_gpu_skips_both_nvlink_checks()
        {
            GpuHealthReport report = Run(string.Empty);
            Assert.Equal(nameof(HealthVerdict.Healthy), report.Verdict);
            Assert.All(report.Gpus, g =>
            {
                Assert.Equal(nameof(CheckStatus.Skipped), g.Checks.Single(c => c.Id == "nvlink_state").Status);
                Assert.Equal(nameof(CheckStatus.Skipped), g.Checks.Single(c => c.Id == "nvlink_errors").Status);
            });
        }
    }
}
