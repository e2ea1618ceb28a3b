using System;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using DlGpuTools.Interop;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Test-GpuHealth's checks as one registry: every item its own class with a unique id, ordered by what it needs,
    /// and selected by id (-Check adds what a check needs and raises the level; -Skip leaves out, and a check whose
    /// run was left out says so).
    /// </summary>
    public sealed class HealthRegistryTests : FakeLibraryTest
    {
        [Fact]
        public void Every_item_is_its_own_class_and_comes_after_what_it_needs()
        {
            var items = HealthChecks.All.All;
            Assert.Equal(items.Count, items.Select(i => i.GetType()).Distinct().Count());
            Assert.All(items, i => Assert.Matches("^[a-z0-9_]+$", i.Id));
            Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.Description), i.Id));
            for (int at = 0; at < items.Count; at++)
            {
                foreach (string need in items[at].Needs)
                    Assert.True(items.Take(at).Any(i => i.Id == need), $"{items[at].Id} needs {need}, which does not come before it.");
            }

            // A check never belongs to a lower level than a run it needs, or it could never run at its own.
            Assert.All(items, i => Assert.All(i.Needs, n => Assert.True(HealthChecks.All.Get(n).Level <= i.Level, $"{i.Id} needs {n}")));
            Assert.Equal("xid_events", items[items.Count - 1].Id);
        }

        [Fact]
        public void A_named_check_brings_what_it_needs_and_the_level_it_belongs_to()
        {
            string[] Plan(HealthLevel level, string[]? check, string[]? skip) =>
                HealthChecks.Plan(level, check, skip).Select(i => i.Id).ToArray();
            Assert.Equal(new[] { "nvml", "ecc_errors" }, Plan(HealthLevel.Quick, new[] { "ECC_errors" }, null));
            Assert.Equal(new[] { "gemm_stress", "gemm_results" }, Plan(HealthLevel.Quick, new[] { "gemm_results" }, null));
            Assert.Equal(HealthLevel.Standard, HealthChecks.LevelFor(HealthLevel.Quick, new[] { "gemm_results" }));
            Assert.Equal(HealthLevel.Long, HealthChecks.LevelFor(HealthLevel.Standard, new[] { "memory_test", "ecc_errors" }));
            Assert.Equal(HealthLevel.Long, HealthChecks.LevelFor(HealthLevel.Long, new[] { "ecc_errors" }));

            // Without -Check, the level decides: Quick has no load item, Long has them all.
            Assert.DoesNotContain("gemm_stress", Plan(HealthLevel.Quick, null, null));
            Assert.Equal(HealthChecks.Registry.Ids, Plan(HealthLevel.Long, null, null));
            Assert.DoesNotContain("processes", Plan(HealthLevel.Quick, null, new[] { "processes" }));

            var unknown = Assert.Throws<UnknownRegisteredIdException>(() => Plan(HealthLevel.Quick, new[] { "ecc" }, null));
            Assert.Equal("UnknownHealthCheck", unknown.ErrorId);
            Assert.Contains("ecc_errors", unknown.Remedy, StringComparison.Ordinal);
        }

        [FakeFact]
        public void A_check_whose_run_was_skipped_says_it_was_not_run_and_the_others_still_run()
        {
            FakeLibraries.Configure("FAKENVML_ECC_HISTORY=0", "FAKENVML_GPU0_PROCESSES=0", "FAKECUDA_EVENT_MS=0.00005",
                "FAKECUDA_REAL_LIMIT_MB=512");
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            GpuHealthReport report = HealthAssert.Agrees(HealthChecker.Run(runtime, new HealthRequest
            {
                Level = HealthLevel.Standard,
                Duration = TimeSpan.FromSeconds(0.4),
                MatrixSize = 64,
                XidWatch = TimeSpan.Zero,
                SampleInterval = TimeSpan.FromMilliseconds(50),
                Skip = new[] { "gemm_stress" },
            }));
            GpuHealth gpu0 = report.Gpus[0];
            GpuHealthCheck results = gpu0.Checks.Single(c => c.Id == "gemm_results");
            Assert.Equal(nameof(CheckStatus.Skipped), results.Status);
            Assert.Equal("Not run: it needs 'gemm_stress', which this run left out (-Skip).", results.Detail);
            Assert.Null(gpu0.StressTflops);
            Assert.Equal(nameof(CheckStatus.Passed), gpu0.Checks.Single(c => c.Id == "memory_bandwidth").Status);
            Assert.Equal("Standard", report.Level);
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
        }

        [FakeFact]
        public void Progress_walks_the_plan_from_start_to_end()
        {
            FakeLibraries.Configure("FAKENVML_ECC_HISTORY=0", "FAKENVML_GPU0_PROCESSES=0");
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            var seen = new System.Collections.Generic.List<(string Phase, double Done)>();
            HealthChecker.Run(runtime, new HealthRequest { XidWatch = TimeSpan.Zero, Progress = (phase, done) => seen.Add((phase, done)) });
            int planned = HealthChecks.Plan(HealthLevel.Quick, null, null).Count;
            Assert.Equal(planned, seen.Count);
            Assert.Equal(0, seen[0].Done);
            Assert.Equal("GPU count", seen[0].Phase);
            Assert.Equal((planned - 1) / (double)planned, seen[seen.Count - 1].Done, 6);
            Assert.True(seen.Zip(seen.Skip(1), (a, b) => b.Done >= a.Done).All(up => up), "progress never goes back");
        }
    }
}
