using System;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Test-GpuHealth's Quick level against the fake NVML: each injected fault fails (or warns) its own check on GPU 0 only.
    /// </summary>
    public sealed class HealthCheckerTests : FakeLibraryTest
    {
        // The fake keeps 100 uncorrectable ECC errors in GPU 0's lifetime count and two processes on it unless told
        // otherwise; a clean, idle node has neither.
        private const string CleanBoard = "FAKENVML_ECC_HISTORY=0";
        private const string Idle = "FAKENVML_GPU0_PROCESSES=0";

        private static GpuHealthReport Run(HealthRequest? request = null)
        {
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            return HealthAssert.Agrees(
                HealthChecker.Run(runtime, request ?? new HealthRequest { XidWatch = TimeSpan.FromMilliseconds(100) }));
        }

        private static GpuHealthCheck Check(GpuHealthReport report, int gpu, string id) =>
            report.Gpus.Single(g => g.Index == gpu).Checks.Single(c => c.Id == id);

        [FakeFact]
        public void A_clean_host_is_healthy_with_every_check_run_or_skipped_with_its_reason()
        {
            FakeLibraries.Configure(CleanBoard, Idle);
            GpuHealthReport report = Run(new HealthRequest { ExpectedGpuCount = 2, MinimumDriverVersion = new Version(570, 0),
                XidWatch = TimeSpan.FromMilliseconds(100) });
            Assert.Equal(HealthVerdict.Healthy.ToString(), report.Verdict);
            Assert.Equal(HealthAction.None.ToString(), report.Action);
            Assert.Null(report.Reason);
            Assert.Equal(2, report.GpuCount);
            Assert.Equal("580.159.04", report.DriverVersion);
            Assert.Equal(new[] { "ECC errors", "Memory repair", "Recovery action", "PCIe link", "PCIe slot", "PCIe replays", "NVLink state",
                "NVLink errors", "Clock slowdown", "Power limit", "Temperature",
                "Persistence mode", "MIG mode", "Processes", "Xid events" }, report.Gpus[0].Checks.Select(c => c.Check));
            // Every row names the registered check that wrote it, in the catalogue's order.
            string[] ids = report.Gpus[0].Checks.Select(c => Must.Exist(c.Id)).ToArray();
            Assert.Equal(HealthChecks.Registry.Ids.Where(ids.Contains), ids);
            Assert.Equal(new[] { "gpu_count", "driver_version" }, report.Checks.Where(c => c.Gpu == null).Select(c => c.Id));
            // The fake's GPUs are PCIe cards unless told to have NVLinks: their NVLink checks say so.
            Assert.All(report.Gpus[0].Checks.Where(c => !c.Check.StartsWith("NVLink", StringComparison.Ordinal)), c =>
                Assert.Equal(nameof(CheckStatus.Passed), c.Status));
            Assert.Contains("No NVLink on this GPU", Check(report, 0, "nvlink_state").Detail, StringComparison.Ordinal);
            Assert.Equal(nameof(CheckStatus.Skipped), Check(report, 0, "nvlink_errors").Status);
            // GPU 1 of the fake has ECC off and no MIG: Skipped with the reason, not Passed.
            Assert.Equal(CheckStatus.Skipped.ToString(), Check(report, 1, "ecc_errors").Status);
            Assert.Contains("ECC is off", Check(report, 1, "ecc_errors").Detail, StringComparison.Ordinal);
            Assert.Equal(CheckStatus.Skipped.ToString(), Check(report, 1, "mig_mode").Status);
            Assert.Contains(report.Checks, c => c.Gpu == null && c.Id == "driver_version" && c.Status == nameof(CheckStatus.Passed));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_live_event_sets"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
        }

        [FakeTheory]
        [InlineData("FAKENVML_ECC_UNCORRECTED=3", "ecc_errors", CheckStatus.Failed, HealthAction.ResetGpu)]
        [InlineData("FAKENVML_ECC_HISTORY=7", "ecc_errors", CheckStatus.Warning, HealthAction.Watch)]
        [InlineData("FAKENVML_REMAP_PENDING=1", "memory_repair", CheckStatus.Failed, HealthAction.ResetGpu)]
        [InlineData("FAKENVML_REMAP_FAILED=1", "memory_repair", CheckStatus.Failed, HealthAction.ReplaceGpu)]
        [InlineData("FAKENVML_PCIE_WIDTH=8", "pcie_link", CheckStatus.Failed, HealthAction.Drain)]
        [InlineData("FAKENVML_SLOT_PCIE_GEN=4", "pcie_slot", CheckStatus.Warning, HealthAction.Configure)]
        [InlineData("FAKENVML_FAIL=nvmlDeviceGetGpuMaxPcieLinkGeneration@0=3", "pcie_slot", CheckStatus.Skipped, HealthAction.None)]
        [InlineData("FAKENVML_PCIE_REPLAYS=12", "pcie_replays", CheckStatus.Passed, HealthAction.None)]
        [InlineData("FAKENVML_PCIE_REPLAYS=1500", "pcie_replays", CheckStatus.Warning, HealthAction.Watch)]
        [InlineData("FAKENVML_PCIE_REPLAYS_STEP=4", "pcie_replays", CheckStatus.Warning, HealthAction.Watch)]
        [InlineData("FAKENVML_CLOCK_EVENTS=0x88", "clock_slowdown", CheckStatus.Failed, HealthAction.Drain)]
        [InlineData("FAKENVML_CLOCK_EVENTS=0x20", "clock_slowdown", CheckStatus.Warning, HealthAction.Watch)]
        [InlineData("FAKENVML_POWER_LIMIT_W=400", "power_limit", CheckStatus.Warning, HealthAction.Configure)]
        [InlineData("FAKENVML_TEMPERATURE=88", "temperature", CheckStatus.Failed, HealthAction.Drain)]
        [InlineData("FAKENVML_TEMPERATURE=80", "temperature", CheckStatus.Warning, HealthAction.Watch)]
        [InlineData("FAKENVML_MIG_PENDING=1", "mig_mode", CheckStatus.Warning, HealthAction.Configure)]
        [InlineData("FAKENVML_XID=79", "xid_events", CheckStatus.Failed, HealthAction.RebootNode)]
        [InlineData("FAKENVML_XID=48", "xid_events", CheckStatus.Failed, HealthAction.ResetGpu)]
        [InlineData("FAKENVML_XID=13", "xid_events", CheckStatus.Warning, HealthAction.Watch)]
        [InlineData("FAKENVML_GPU0_PROCESSES=2", "processes", CheckStatus.Warning, HealthAction.Watch)]
        public void Each_fault_is_caught_by_its_check_on_its_gpu_only(string fault, string check, CheckStatus status, HealthAction action)
        {
            FakeLibraries.Configure(CleanBoard, Idle, fault);
            GpuHealthReport report = Run();
            GpuHealthCheck caught = Check(report, 0, check);
            Assert.Equal(status.ToString(), caught.Status);
            Assert.Equal(action.ToString(), caught.Action);
            if (status == CheckStatus.Passed || status == CheckStatus.Skipped)
            {
                // A fault below its threshold, or a reading the driver does not give: said in the detail, not held against the GPU.
                Assert.Equal(HealthVerdict.Healthy.ToString(), report.Gpus[0].Verdict);
                return;
            }

            Assert.False(string.IsNullOrEmpty(caught.Remedy));
            Assert.Equal((status == CheckStatus.Failed ? HealthVerdict.Unhealthy : HealthVerdict.Degraded).ToString(),
                report.Gpus[0].Verdict);
            Assert.Equal(report.Gpus[0].Verdict, report.Verdict);
            Assert.Equal(action.ToString(), report.Action);
            Assert.StartsWith("GPU 0: " + caught.Check + ": ", report.Reason, StringComparison.Ordinal);
            // The fake's clock-event reasons apply to every GPU; every other fault is GPU 0's alone.
            if (!fault.StartsWith("FAKENVML_CLOCK_EVENTS", StringComparison.Ordinal))
                Assert.Equal(HealthVerdict.Healthy.ToString(), report.Gpus[1].Verdict);
        }

        [FakeFact]
        public void Page_retirement_answers_where_rows_are_not_remapped()
        {
            FakeLibraries.Configure(CleanBoard, Idle, "FAKENVML_NO_REMAP=1", "FAKENVML_RETIRE_PENDING=1");
            GpuHealthCheck repair = Check(Run(), 0, "memory_repair");
            Assert.Equal(CheckStatus.Failed.ToString(), repair.Status);
            Assert.Contains("page retirement is pending", repair.Detail, StringComparison.Ordinal);
        }

        [FakeFact]
        public void Host_expectations_fail_the_host_with_one_line_of_reason()
        {
            FakeLibraries.Configure(CleanBoard, Idle);
            GpuHealthReport report = Run(
                new HealthRequest { ExpectedGpuCount = 8, MinimumDriverVersion = new Version(590, 10), XidWatch = TimeSpan.Zero });
            Assert.Equal(HealthVerdict.Unhealthy.ToString(), report.Verdict);
            Assert.Equal(HealthAction.RebootNode.ToString(), report.Action);
            Assert.StartsWith("GPU count: 2 GPU(s) where 8 were expected", report.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", report.Reason, StringComparison.Ordinal);
            Assert.Contains(report.Checks, c => c.Id == "driver_version" && c.Status == nameof(CheckStatus.Failed)
                && c.Detail.Contains("older than the 590.10", StringComparison.Ordinal));
            // The GPUs themselves are fine: the host-level failure does not make them unhealthy.
            Assert.All(report.Gpus, g => Assert.Equal(HealthVerdict.Healthy.ToString(), g.Verdict));
        }

        [FakeFact]
        public void Without_event_support_the_xid_check_is_skipped_with_the_reason()
        {
            FakeLibraries.Configure(CleanBoard, Idle, "FAKENVML_NO_EVENTS=1");
            GpuHealthCheck xid = Check(Run(), 0, "xid_events");
            Assert.Equal(CheckStatus.Skipped.ToString(), xid.Status);
            Assert.Contains("NVML_ERROR_NOT_SUPPORTED", xid.Detail, StringComparison.Ordinal);
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_live_event_sets"));
        }

        [FakeFact]
        public void A_hung_gpu_is_a_failed_check_within_the_timeout_and_the_other_gpu_is_still_read()
        {
            // A code of -1 makes the fake's call sleep for an hour, as a query of a hung GPU blocks.
            FakeLibraries.Configure(CleanBoard, Idle, "FAKENVML_FAIL=nvmlDeviceGetRemappedRows@0=-1");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            GpuHealthReport report = Run(new HealthRequest { CallTimeout = TimeSpan.FromMilliseconds(500), XidWatch = TimeSpan.Zero });
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 10);
            GpuHealthCheck hung = Assert.Single(report.Gpus[0].Checks, c => c.Status == nameof(CheckStatus.Failed));
            Assert.Equal("NVML answers", hung.Check);
            Assert.Equal(nameof(HealthAction.RebootNode), report.Action);
            Assert.Equal(nameof(HealthVerdict.Healthy), report.Gpus[1].Verdict);
            Assert.Contains(report.Gpus[1].Checks, c => c.Id == "memory_repair" && c.Status == nameof(CheckStatus.Passed));
        }

        [FakeFact]
        public void A_gpu_asked_for_that_the_host_does_not_have_stops_the_check_and_names_the_key()
        {
            // -Index 7 on a host with GPUs 0 and 1 must fail, not say Healthy with no GPU listed.
            FakeLibraries.Configure(CleanBoard, Idle);
            var missing = Assert.Throws<DeviceNotFoundException>(() =>
                Run(new HealthRequest { Devices = DeviceKeys.OfIndexes(0, 7), XidWatch = TimeSpan.Zero }));
            Assert.Equal(new[] { 7 }, missing.MissingIndexes);
            Assert.Equal(2, missing.DriverDeviceCount);
            Assert.Equal("No CUDA device has index 7; this process sees 2 device(s).", missing.Message);
            const string nowhere = "GPU-00000000-0000-0000-0000-000000000000";
            missing = Assert.Throws<DeviceNotFoundException>(() =>
                Run(new HealthRequest { Devices = DeviceKeys.From(null, new[] { nowhere }, null), XidWatch = TimeSpan.Zero }));
            Assert.Equal(new[] { nowhere }, missing.MissingUuids);
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_live_event_sets"));
        }

        [FakeFact]
        public void A_gpu_named_by_uuid_or_by_a_device_object_is_the_only_one_checked()
        {
            FakeLibraries.Configure(CleanBoard, Idle);
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            CudaDevice second = DeviceEnumerator.Enumerate(runtime).Devices[1];
            Assert.Equal(new[] { 1 }, Run(new HealthRequest { Devices = DeviceKeys.From(null, new[] { Must.Exist(second.Uuid) }, null),
                XidWatch = TimeSpan.Zero }).Gpus.Select(g => g.Index));
            // A device object names its GPU by UUID, whatever index it carries (another process may number it differently).
            var moved = new CudaDevice { Index = 0, Uuid = second.Uuid };
            Assert.Equal(new[] { 1 }, Run(new HealthRequest { Devices = DeviceKeys.From(new[] { 0 }, null, new[] { moved }),
                XidWatch = TimeSpan.Zero }).Gpus.Select(g => g.Index));
        }

        [FakeFact]
        public void A_gpu_asked_for_that_the_driver_lists_but_cannot_read_is_a_failed_check_not_a_missing_gpu()
        {
            FakeLibraries.Configure(CleanBoard, Idle, "FAKECUDA_FAIL=cuDeviceGetName@1=999");
            GpuHealthReport report = Run(new HealthRequest { Devices = DeviceKeys.OfIndexes(1), XidWatch = TimeSpan.Zero });
            Assert.Empty(report.Gpus);
            Assert.Equal(nameof(HealthVerdict.Unhealthy), report.Verdict);
            Assert.StartsWith("GPU 1: GPU answers: ", report.Reason, StringComparison.Ordinal);
        }

        [FakeFact]
        public void Work_on_a_gpu_keeps_the_node_in_service_and_the_reason_names_the_check_that_set_the_action()
        {
            // Processes on GPU 0 with an ECC history: -Quiet must agree with the action, and the reason must name what
            // asks for Drain, not the ECC history (Watch).
            FakeLibraries.Configure("FAKENVML_ECC_HISTORY=7", "FAKENVML_GPU0_PROCESSES=2", "FAKENVML_POWER_LIMIT_W=400");
            GpuHealthReport report = Run();
            Assert.Equal(nameof(HealthVerdict.Degraded), report.Verdict);
            Assert.Equal(nameof(HealthAction.Watch), Check(report, 0, "processes").Action);
            Assert.Equal(nameof(HealthAction.Configure), report.Action);
            Assert.StartsWith("GPU 0: Power limit: ", report.Reason, StringComparison.Ordinal);
        }

        [FakeFact]
        public void An_unhealthy_node_takes_its_action_and_reason_from_its_failed_checks_only()
        {
            // A failed link (Drain) beside a MIG change waiting for a reset (a warning): the node is drained for the link.
            FakeLibraries.Configure(CleanBoard, Idle, "FAKENVML_PCIE_WIDTH=8", "FAKENVML_MIG_PENDING=1");
            GpuHealthReport report = Run();
            Assert.Equal(nameof(HealthVerdict.Unhealthy), report.Verdict);
            Assert.Equal(nameof(HealthAction.Drain), report.Action);
            Assert.StartsWith("GPU 0: PCIe link: ", report.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void The_verdict_sets_the_action_class_and_the_most_severe_check_of_that_verdict_is_named()
        {
            static GpuHealthCheck C(string name, CheckStatus status, HealthAction action) =>
                HealthRow.Make(0, name, status, name + " detail", "fix", action);
            HealthChecker.Fold(new[] { C("A", CheckStatus.Warning, HealthAction.Watch), C("B", CheckStatus.Warning, HealthAction.Configure),
                C("C", CheckStatus.Passed, HealthAction.None) },
                out HealthVerdict verdict, out HealthAction action, out string? reason);
            Assert.Equal((HealthVerdict.Degraded, HealthAction.Configure, "GPU 0: B: B detail"), (verdict, action, reason));

            HealthChecker.Fold(new[] { C("A", CheckStatus.Warning, HealthAction.Configure), C("B", CheckStatus.Failed, HealthAction.Drain),
                C("C", CheckStatus.Failed, HealthAction.ReplaceGpu), C("D", CheckStatus.Failed, HealthAction.ReplaceGpu) },
                out verdict, out action, out reason);
            Assert.Equal((HealthVerdict.Unhealthy, HealthAction.ReplaceGpu, "GPU 0: C: C detail"), (verdict, action, reason));

            HealthChecker.Fold(new[] { C("A", CheckStatus.Skipped, HealthAction.None) }, out verdict, out action, out reason);
            Assert.Equal((HealthVerdict.Healthy, HealthAction.None, (string?)null), (verdict, action, reason));
        }

        [Theory]
        [InlineData(13ul)]
        [InlineData(31ul)]
        [InlineData(43ul)]
        [InlineData(45ul)]
        [InlineData(48ul)]
        [InlineData(63ul)]
        [InlineData(64ul)]
        [InlineData(79ul)]
        [InlineData(92ul)]
        [InlineData(94ul)]
        [InlineData(95ul)]
        [InlineData(119ul)]
        public void Every_xid_class_pairs_its_status_with_an_action_of_that_verdict(ulong xid)
        {
            (CheckStatus status, HealthAction action, _) = XidEventsCheck.Classify(xid);
            if (status == CheckStatus.Warning) Assert.Contains(action, new[] { HealthAction.Watch, HealthAction.Configure });
            else Assert.True(status == CheckStatus.Failed && action >= HealthAction.Drain, $"Xid {xid}: {status} with {action}");
        }

        [Theory]
        [InlineData("580.159.04", "580.159.4")]
        [InlineData("551.86", "551.86")]
        [InlineData("r570", null)]
        public void Driver_versions_parse_as_numbers(string text, string? expected) =>
            Assert.Equal(expected == null ? null : Version.Parse(expected), DriverVersionCheck.ParseDriver(text));
    }
}
