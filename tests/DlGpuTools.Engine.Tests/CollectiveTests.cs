using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DlGpuTools.Collectives;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Reports;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>Collectives: nccl-tests' counting, the data check, the merge of ranks, and runs against the fake NCCL.</summary>
    public sealed class CollectiveTests : FakeLibraryTest
    {
        [Theory]
        [InlineData(CollectiveOperation.AllReduce, 2, 1.0)]
        [InlineData(CollectiveOperation.AllReduce, 8, 1.75)]
        [InlineData(CollectiveOperation.AllGather, 8, 0.875)]
        [InlineData(CollectiveOperation.ReduceScatter, 4, 0.75)]
        [InlineData(CollectiveOperation.AllToAll, 2, 0.5)]
        [InlineData(CollectiveOperation.Broadcast, 8, 1.0)]
        [InlineData(CollectiveOperation.Reduce, 8, 1.0)]
        [InlineData(CollectiveOperation.SendRecv, 8, 1.0)]
        public void Bus_factors_are_nccl_tests_ones(CollectiveOperation operation, int ranks, double factor) =>
            Assert.Equal(factor, CollectiveMath.BusFactor(operation, ranks), 12);

        [Fact]
        public void Shapes_count_bytes_as_nccl_tests_does()
        {
            // AllGather: size is the gathered output; each rank sends a share.
            CollectiveShape gather = CollectiveMath.Shape(CollectiveOperation.AllGather, CollectiveDataType.FP32, 1024, 4);
            Assert.Equal((1024UL, 64UL, 256UL, 64UL), (gather.Bytes, gather.SendElements, gather.ReceiveElements, gather.CountArgument));
            // ReduceScatter: size is each rank's whole input; NCCL's count is the output share.
            CollectiveShape scatter = CollectiveMath.Shape(CollectiveOperation.ReduceScatter, CollectiveDataType.BF16, 1024, 4);
            Assert.Equal((1024UL, 512UL, 128UL, 128UL),
                (scatter.Bytes, scatter.SendElements, scatter.ReceiveElements, scatter.CountArgument));
            // Sizes too small to split are rounded up to one element a rank.
            CollectiveShape tiny = CollectiveMath.Shape(CollectiveOperation.AllToAll, CollectiveDataType.FP32, 8, 8);
            Assert.Equal((32UL, 1UL), (tiny.Bytes, tiny.CountArgument));
            Assert.Equal(new ulong[] { 8, 16, 32, 64 }, CollectiveMath.Sizes(8, 100));
        }

        [Theory]
        [InlineData(CollectiveDataType.FP16)]
        [InlineData(CollectiveDataType.BF16)]
        [InlineData(CollectiveDataType.FP32)]
        public void Every_sum_the_pattern_can_make_is_exact_in_each_type(CollectiveDataType type)
        {
            var buffer = new byte[4];
            for (int v = -256; v <= 256; v++)
            {
                ElementCodec.Write(buffer, 0, type, v);
                Assert.Equal(v, ElementCodec.Read(buffer, 0, type));
            }

            ElementCodec.Write(buffer, 0, type, 0.1f);
            Assert.NotEqual(0.1f, ElementCodec.Read(buffer, 0, type) + (type == CollectiveDataType.FP32 ? 1e-3f : 0));
            Assert.Equal(0x3C00, ElementCodec.ToHalf(1f));
            Assert.Equal(0x7C00, ElementCodec.ToHalf(1e6f));
        }

        [Fact]
        public void Merge_takes_each_batch_at_its_slowest_rank_and_fails_on_wrong_data()
        {
            static CollectiveRankResult Rank(int r, double[] batches, long wrong) => new CollectiveRankResult
            {
                Rank = r, RankCount = 2, HostName = "h" + r, DataType = "FP32", Placement = "OutOfPlace",
                Operations = new ReadableList<CollectiveRankOperation>(new[]
                {
                    new CollectiveRankOperation
                    {
                        Operation = "AllReduce",
                        Sizes = new ReadableList<CollectiveRankSize>(new[]
                        {
                            new CollectiveRankSize { Bytes = 1_000_000, Elements = 250_000,
                                BatchMicroseconds = new ReadableList<double>(batches), WrongElements = wrong, CheckedElements = 10 },
                        }),
                    },
                }),
            };

            CollectiveResult merged = CollectiveMeasurement.Merge(
                new[] { Rank(1, new[] { 10.0, 30, 10 }, 0), Rank(0, new[] { 20.0, 20, 40 }, 0) }).Single();
            // Slowest per batch: 20, 30, 40; median 30 us; 1 MB / 30 us = 33.3 GB/s; AllReduce on 2 ranks: factor 1.
            CollectiveSize size = merged.Sizes.Single();
            Assert.Equal(30, size.TimeMicroseconds, 9);
            Assert.Equal(1e6 / 30e-6 / 1e9, size.AlgorithmGBps, 6);
            Assert.Equal(size.AlgorithmGBps, size.BusGBps, 9);
            Assert.Equal("Passed", merged.Status);
            Assert.Equal(new[] { "h0:0 ()", "h1:0 ()" }, merged.Ranks);

            CollectiveResult wrong = CollectiveMeasurement.Merge(new[] { Rank(0, new[] { 1.0 }, 0), Rank(1, new[] { 1.0 }, 3) }).Single();
            Assert.Equal("Failed", wrong.Status);
            Assert.Equal(3, wrong.Sizes.Single().WrongElements);
            Assert.Equal(20, wrong.Sizes.Single().CheckedElements);

            CollectiveResult missing = CollectiveMeasurement.Merge(new[] { Rank(0, new[] { 1.0 }, 0) }).Single();
            Assert.Equal("Failed", missing.Status);
            Assert.Contains("only 1 of 2 ranks reported", missing.Failure);
        }

        [Fact]
        public void Unique_ids_travel_as_base64_and_anything_else_is_refused()
        {
            var id = default(NcclUniqueId);
            string text = UniqueIdText.Encode(id);
            Assert.Equal(128, Convert.FromBase64String(text).Length);
            Assert.Equal(text, UniqueIdText.Encode(UniqueIdText.Decode(text)));
            Assert.Throws<CollectiveRendezvousException>(() => UniqueIdText.Decode("not base64!"));
            Assert.Throws<CollectiveRendezvousException>(() => UniqueIdText.Decode(Convert.ToBase64String(new byte[16])));
        }

        [Fact]
        public void The_environment_shown_is_nccls_own_variables()
        {
            var vars = new System.Collections.Hashtable { ["NCCL_P2P_DISABLE"] = "1", ["NCCL_IB_HCA"] = "mlx5_0",
                ["NCCL_NET_GDR_LEVEL"] = "PHB", ["PATH"] = "/bin", ["NCCL_ALGO"] = "Ring" };
            Assert.Equal("NCCL_ALGO=Ring; NCCL_IB_HCA=mlx5_0; NCCL_NET_GDR_LEVEL=PHB; NCCL_P2P_DISABLE=1",
                CollectiveEnvironment.Snapshot(vars).ToString());
        }

        [Theory]
        [InlineData(null, 2708, "2.7.8")]
        [InlineData(null, 21903, "2.19.3")]
        [InlineData(null, 22703, "2.27.3")]
        public void Nccl_version_codes_decode_both_encodings(string? unused, int code, string expected)
        {
            _ = unused;
            Assert.Equal(expected, NcclLibrary.DecodeVersion(code)!.ToString());
        }

        [Fact]
        public void Candidates_cover_the_system_toolkit_conda_and_pip_and_windows_has_none()
        {
            var vars = new Dictionary<string, string> { ["CUDA_HOME"] = "/opt/cuda", ["CONDA_PREFIX"] = "/opt/conda" };
            var linux = new ProbeEnvironment(false, n => vars.TryGetValue(n, out string? v) ? v : null, _ => true, false, false);
            var paths = NcclCandidates.For(linux, new[] { "/venv/lib/python3.12/site-packages" }).Select(c => c.Path).ToList();
            Assert.Equal("libnccl.so.2", paths[0]);
            Assert.Contains("/opt/cuda/lib64/libnccl.so.2", paths);
            Assert.Contains("/usr/lib/x86_64-linux-gnu/libnccl.so.2", paths);
            Assert.Contains("/opt/conda/lib/libnccl.so.2", paths);
            Assert.Equal("/venv/lib/python3.12/site-packages/nvidia/nccl/lib/libnccl.so.2", paths[paths.Count - 1]);
            var windows = new ProbeEnvironment(true, _ => null, _ => true, false, false);
            Assert.Empty(NcclCandidates.For(windows, Array.Empty<string>()));
            vars[NcclCandidates.OverrideVariable] = "/x/libnccl.so.2";
            Assert.Equal(new[] { "/x/libnccl.so.2" }, NcclCandidates.For(linux, Array.Empty<string>()).Select(c => c.Path));
        }

        // ---- against the fakes ----

        private static GpuRuntime Runtime(string? nccl = null)
        {
            var vars = new Dictionary<string, string>
            {
                [LibraryCandidates.CudaDriverOverrideVariable] = FakeLibraries.CudaDriver,
                [LibraryCandidates.NvmlOverrideVariable] = FakeLibraries.Nvml,
                [NcclCandidates.OverrideVariable] = nccl ?? System.IO.Path.Combine(FakeLibraries.Directory, "libnccl.so.2"),
            };
            return new GpuRuntime(new ProbeEnvironment(false, n => vars.TryGetValue(n, out string? v) ? v : null,
                System.IO.Directory.Exists, false, false), PlatformNativeLoader.Instance);
        }

        private static List<CudaDevice> Devices(GpuRuntime runtime) => DeviceEnumerator.Enumerate(runtime).Devices.ToList();

        private static CollectiveRequest Quick(params CollectiveOperation[] operations) => new CollectiveRequest
        {
            Operations = operations, MinBytes = 8, MaxBytes = 4096, Iterations = 2, Warmup = 1, Batches = 3, TimeoutSeconds = 20,
        };

        private static string Nccl => System.IO.Path.Combine(FakeLibraries.Directory, "libnccl.so.2");

        private static void AssertNothingLeft()
        {
            Assert.Equal(0, FakeLibraries.Hook(Nccl, "fakenccl_live_comms"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_streams"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_events"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
        }

        public static TheoryData<CollectiveDataType, CollectivePlacement> Kinds() => new TheoryData<CollectiveDataType, CollectivePlacement>
        {
            { CollectiveDataType.FP32, CollectivePlacement.OutOfPlace },
            { CollectiveDataType.BF16, CollectivePlacement.InPlace },
            { CollectiveDataType.FP16, CollectivePlacement.OutOfPlace },
            { CollectiveDataType.FP16, CollectivePlacement.InPlace },
        };

        [FakeTheory]
        [MemberData(nameof(Kinds))]
        public void Local_mode_runs_every_operation_verified_on_two_fake_gpus_and_leaves_nothing(CollectiveDataType type,
            CollectivePlacement placement)
        {
            GpuRuntime runtime = Runtime();
            CollectiveRequest request = Quick(Enum.GetValues<CollectiveOperation>());
            request.DataType = type;
            request.Placement = placement;
            var results = new CollectiveMeasurement(runtime).RunLocal(request, Devices(runtime), CancellationToken.None);
            Assert.Equal(7, results.Count);
            foreach (CollectiveResult r in results)
            {
                Assert.True(r.Status == "Passed", r.Operation + ": " + r.Verdict);
                Assert.Equal(10, r.Sizes.Count);
                Assert.All(r.Sizes,
                    s => Assert.True(s.CheckedElements > 0 && s.WrongElements == 0 && s.BusGBps > 0, r.Operation + " " + s));
                Assert.Equal("2.27.3", r.NcclVersion);
                Assert.Equal(2, r.RankCount);
                Assert.Contains("nccl-tests", r.Method);
            }

            AssertNothingLeft();
        }

        [FakeFact]
        public void A_wrong_element_fails_its_size()
        {
            FakeLibraries.Configure("FAKENCCL_CORRUPT=100", "FAKENCCL_CORRUPT_RANK=1");
            GpuRuntime runtime = Runtime();
            CollectiveResult r = new CollectiveMeasurement(runtime)
                .RunLocal(Quick(CollectiveOperation.AllReduce), Devices(runtime), CancellationToken.None).Single();
            Assert.Equal("Failed", r.Status);
            // Element 100 exists from 101 FP32 elements on: 512 B and up.
            Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }, r.Sizes.Select(s => s.WrongElements));
            Assert.Contains("differed from the host reference", r.Verdict);
            AssertNothingLeft();
        }

        [FakeFact]
        public void One_gpu_is_a_clear_error()
        {
            FakeLibraries.Configure("FAKECUDA_DEVICES=1");
            GpuRuntime runtime = Runtime();
            var e = Assert.Throws<CollectiveNeedsTwoGpusException>(() =>
                new CollectiveMeasurement(runtime)
                    .RunLocal(Quick(CollectiveOperation.AllReduce), Devices(runtime), CancellationToken.None));
            Assert.Contains("only GPU 0", e.Message);
            Assert.Equal("CollectiveNeedsTwoGpus", e.ErrorId);
        }

        [FakeFact]
        public void Missing_nccl_says_what_was_searched_and_an_old_one_refuses_send_receive()
        {
            GpuRuntime missing = Runtime("/nonexistent/libnccl.so.2");
            var e = Assert.Throws<NcclNotFoundException>(() =>
                new CollectiveMeasurement(missing)
                    .RunLocal(Quick(CollectiveOperation.AllReduce), Devices(missing), CancellationToken.None));
            Assert.Contains("/nonexistent/libnccl.so.2", e.Message);
            NcclDescription described = missing.DescribeNccl();
            Assert.False(described.Found);
            Assert.Contains(described.Searched, s => s.Contains("/nonexistent/libnccl.so.2"));

            GpuRuntime old = Runtime(System.IO.Path.Combine(FakeLibraries.Directory, "nccl-old", "libnccl.so.2"));
            var tooOld = Assert.Throws<NcclTooOldException>(() =>
                new CollectiveMeasurement(old).RunLocal(Quick(CollectiveOperation.AllToAll), Devices(old), CancellationToken.None));
            Assert.Contains("2.6.4", tooOld.Message);
            Assert.Contains("it arrived in NCCL 2.7.", tooOld.Message);
            Assert.Equal("Passed", new CollectiveMeasurement(old)
                .RunLocal(Quick(CollectiveOperation.AllReduce), Devices(old), CancellationToken.None).Single().Status);
        }

        [FakeTheory]
        [InlineData("cuDevicePrimaryCtxRetain@1=2", "cuDevicePrimaryCtxRetain")]
        [InlineData("cuStreamCreate=2", "cuStreamCreate")]
        [InlineData("cuMemAlloc_v2=2", "refused")]
        public void A_driver_refusal_while_a_rank_is_set_up_fails_the_run_and_leaves_nothing(string fail, string named)
        {
            FakeLibraries.Configure("FAKECUDA_FAIL=" + fail);
            GpuRuntime runtime = Runtime();
            var ranks = new CollectiveMeasurement(runtime)
                .RunLocalRanks(Quick(CollectiveOperation.AllReduce), Devices(runtime), CancellationToken.None);
            Assert.Equal(2, ranks.Count);
            Assert.All(ranks, r => Assert.Contains(named, r.Failure, StringComparison.Ordinal));
            Assert.All(ranks, r => Assert.Empty(r.Operations));
            AssertNothingLeft();
        }

        [FakeFact]
        public void A_hang_is_aborted_within_the_timeout_and_reported_failed()
        {
            FakeLibraries.Configure("FAKENCCL_STALL_MS=60000");
            GpuRuntime runtime = Runtime();
            CollectiveRequest request = Quick(CollectiveOperation.AllReduce);
            request.TimeoutSeconds = 1;
            var clock = Stopwatch.StartNew();
            CollectiveResult r = new CollectiveMeasurement(runtime).RunLocal(request, Devices(runtime), CancellationToken.None).Single();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), clock.Elapsed.ToString());
            Assert.Equal("Failed", r.Status);
            Assert.Contains("did not finish within 1 s", r.Failure);
            AssertNothingLeft();
        }

        [FakeFact]
        public void Cancelling_aborts_the_communicators()
        {
            FakeLibraries.Configure("FAKENCCL_STALL_MS=60000");
            GpuRuntime runtime = Runtime();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            Assert.ThrowsAny<OperationCanceledException>(() =>
                new CollectiveMeasurement(runtime).RunLocal(Quick(CollectiveOperation.AllReduce), Devices(runtime), cancel.Token));
            AssertNothingLeft();
        }

        [FakeFact]
        public void Two_ranks_exchange_data_through_the_rendezvous_and_merge_into_one_result()
        {
            GpuRuntime runtime = Runtime();
            var engine = new CollectiveMeasurement(runtime);
            CollectiveRendezvous rendezvous = engine.NewRendezvous(2);
            Assert.Equal(Environment.MachineName, rendezvous.HostName);
            CollectiveRequest request = Quick(CollectiveOperation.AllReduce, CollectiveOperation.AllGather, CollectiveOperation.AllToAll,
                CollectiveOperation.SendRecv);
            request.DataType = CollectiveDataType.BF16;
            var ranks = Enumerable.Range(0, 2)
                .Select(rank => Task.Run(() => new CollectiveMeasurement(runtime)
                    .RunRank(request, rendezvous.UniqueId!, rank, 2, rank, CancellationToken.None)))
                .ToArray();
            Assert.True(Task.WaitAll(ranks, TimeSpan.FromSeconds(60)));
            Assert.All(ranks, t => Assert.Null(t.Result.Failure));
            var merged = CollectiveMeasurement.Merge(ranks.Select(t => t.Result));
            Assert.Equal(4, merged.Count);
            Assert.All(merged,
                r => Assert.True(r.Status == "Passed" && r.Sizes.All(s => s.CheckedElements > 0), r.Operation + ": " + r.Verdict));
            AssertNothingLeft();
        }

        [FakeFact]
        public void A_rank_that_never_joins_fails_the_others_instead_of_hanging()
        {
            FakeLibraries.Configure("FAKENCCL_TIMEOUT_MS=500");
            GpuRuntime runtime = Runtime();
            var engine = new CollectiveMeasurement(runtime);
            CollectiveRendezvous rendezvous = engine.NewRendezvous(2);
            CollectiveRankResult alone = engine.RunRank(Quick(CollectiveOperation.AllReduce), rendezvous.UniqueId!, 0, 2, 0,
                CancellationToken.None);
            Assert.Contains("ncclSystemError", alone.Failure);
            Assert.Equal("Failed", CollectiveMeasurement.Merge(new[] { alone }).Single().Status);
            AssertNothingLeft();
        }
        [FakeFact]
        public void The_report_shows_nccl_with_its_version_and_path_or_what_was_searched()
        {
            GpuRuntime runtime = Runtime();
            GpuReport report = new GpuReportBuilder(runtime, runtime.Environment, () => new System.Collections.Hashtable())
                .Build("9.9.9", "7.6.9 (Core)");
            LibraryReport nccl = report.Libraries.Single(l => l.Name == "NCCL");
            Assert.Equal("2.27.3", nccl.Version);
            Assert.Equal(Nccl, nccl.Path);

            GpuRuntime missing = Runtime("/nonexistent/libnccl.so.2");
            GpuReport without = new GpuReportBuilder(missing, missing.Environment, () => new System.Collections.Hashtable())
                .Build("9.9.9", "7.6.9 (Core)");
            Assert.Contains(without.Problems,
                p => p.StartsWith("NCCL: not found; searched /nonexistent/libnccl.so.2", StringComparison.Ordinal));
        }
        [FakeFact]
        public void The_health_check_passes_verified_data_fails_wrong_data_and_names_a_slow_gpu()
        {
            GpuRuntime runtime = Runtime();
            CollectiveRequest small = Quick(CollectiveOperation.AllReduce);
            List<CudaDevice> devices = Devices(runtime);
            var passed = Health.CollectiveAllReduceCheck.Run(runtime, devices, small).ToList();
            Assert.Equal("Passed", Assert.Single(passed).Status);

            FakeLibraries.Configure("FAKENCCL_CORRUPT=7");
            GpuHealthCheck wrong = Health.CollectiveAllReduceCheck.Run(runtime, devices, small).First();
            Assert.Equal("Failed", wrong.Status);
            Assert.Equal("Drain", wrong.Action);
            Assert.Contains("differed from the host reference", wrong.Detail);

            FakeLibraries.Configure("FAKECUDA_SLOW_GPU=1", "FAKECUDA_EVENT_MS=2");
            var slow = Health.CollectiveAllReduceCheck.Run(runtime, devices, small).ToList();
            GpuHealthCheck named = Assert.Single(slow, c => c.Gpu != null);
            Assert.Equal(1, named.Gpu);
            Assert.Equal("Warning", named.Status);
            Assert.Contains("1.50x as long", named.Detail);
            AssertNothingLeft();

            GpuRuntime none = Runtime("/nonexistent/libnccl.so.2");
            Assert.Equal("Skipped", Assert.Single(Health.CollectiveAllReduceCheck.Run(none, devices, small)).Status);
        }

        [FakeFact]
        public void The_health_checks_default_request_runs_on_the_fakes_in_reasonable_time()
        {
            GpuRuntime runtime = Runtime();
            var clock = Stopwatch.StartNew();
            var checks = Health.CollectiveAllReduceCheck.Run(runtime, Devices(runtime),
                Health.CollectiveAllReduceCheck.DefaultRequest()).ToList();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), clock.Elapsed.ToString());
            Assert.NotEqual("Failed", checks[0].Status);
        }
    }
}
