using System;
using System.Linq;
using System.Threading;
using DlGpuTools.Bandwidth;
using DlGpuTools.Bandwidth.Tests;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;
using DlGpuTools.Registration;
using DlGpuTools.Topology;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The bandwidth session against the fake driver, whose kernels do on the host what the PTX kernels do.</summary>
    public sealed class BandwidthSessionTests : FakeLibraryTest
    {
        // An odd number of 16-byte elements, so no test can pass by handling only whole blocks.
        private const ulong SmallBytes = (1UL << 20) + 3 * 16;

        private static GpuRuntime Runtime() =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml), PlatformNativeLoader.Instance);

        private static CudaDevice Device(GpuRuntime runtime, int index) =>
            DeviceEnumerator.Enumerate(runtime).Devices.Single(d => d.Index == index);

        private static BandwidthRequest Quick(ulong? bytes = SmallBytes) =>
            new BandwidthRequest { Bytes = bytes, Iterations = 3, Warmup = 1, BatchMilliseconds = 1, MaxOperationsPerBatch = 4 };

        private static int Hook(string name) => FakeLibraries.Hook(FakeLibraries.CudaDriver, name);

        private static void AssertNothingLeft(long bytesBefore)
        {
            Assert.Equal(bytesBefore, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
            Assert.Equal(0, Hook("fakecuda_live_modules"));
            Assert.Equal(0, Hook("fakecuda_live_pinned"));
            Assert.Equal(0, Hook("fakecuda_live_streams"));
            Assert.Equal(0, Hook("fakecuda_live_events"));
            Assert.Equal(0, Hook("fakecuda_retained_contexts"));
            Assert.Equal(0, Hook("fakecuda_context_stack_depth"));
        }

        [FakeFact]
        public void Every_test_is_measured_verified_and_counted_as_it_says_and_nothing_is_left()
        {
            long bytesBefore = FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes");
            GpuRuntime runtime = Runtime();
            CudaDevice h100 = Device(runtime, 0);
            using (BandwidthSession session = BandwidthSession.Open(runtime, h100))
            {
                Assert.Equal("PTX ISA 6.0, sm_50", session.KernelDirectives);
                foreach (IBandwidthTest registered in BandwidthTests.All.Where(t => t.Path != BandwidthPath.Peer))
                {
                    string test = registered.Id;
                    int spinsBefore = Hook("fakecuda_spin_launches");
                    BandwidthResult r = session.Run(test, Quick(), CancellationToken.None);
                    Assert.Equal(test, r.Test);
                    Assert.True(r.Verified);
                    Assert.True(r.VerifiedSamples >= 2, test);
                    Assert.Equal(SmallBytes, r.Bytes);
                    Assert.True(r.GBps > 0 && r.FastestBatchMs <= r.MedianMs && r.MedianMs <= r.SlowestBatchMs, test);
                    Assert.Equal(3, r.Batches);
                    Assert.Equal(r.SpreadPercent >= 3, r.Note?.Contains("Batches varied by") == true);
                    Assert.Contains("median of 3 batches", r.Method);
                    Assert.NotNull(r.TheoreticalGBps);
                    Assert.NotNull(r.PercentOfTheoretical);
                    // Gated tests queue every batch behind the spin kernel; pageable copies cannot be held back.
                    int spins = Hook("fakecuda_spin_launches") - spinsBefore;
                    if (test.EndsWith("_pageable", StringComparison.Ordinal)) Assert.Equal(0, spins);
                    else Assert.Equal(1 + 1 + 3, spins); // the sizing batch, one warm-up, three timed
                    double ratio = r.TrafficGBps / r.GBps;
                    if (test == DeviceLocalCopySm.TestId || test == DeviceLocalCopy.TestId) Assert.InRange(ratio, 1.99, 2.01);
                    else Assert.InRange(ratio, 0.99, 1.01);
                    if (registered.Path == BandwidthPath.Host)
                    {
                        Assert.StartsWith("PCIe Gen5 x16", r.TheoreticalBasis);
                        Assert.Equal(test == HostToDeviceBidirectionalMemcpyCe.TestId ? 126.0 : 63.0, r.TheoreticalGBps);
                        Assert.Equal(0, r.NumaNode);
                        Assert.Equal("0-7,16-23", r.CpuAffinity);
                        Assert.Equal("0", r.NumaAffinity);
                    }
                    else
                    {
                        Assert.Equal(h100.MemoryBandwidthGBps, r.TheoreticalGBps);
                        Assert.Null(r.NumaNode);
                    }
                }
            }

            AssertNothingLeft(bytesBefore);
        }

        [FakeFact]
        public void A_kernel_that_misses_data_is_an_error_not_a_number()
        {
            FakeLibraries.Configure("FAKECUDA_KERNEL_SKIP_LAST=1");
            GpuRuntime runtime = Runtime();
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                string[] kernelTests =
                {
                    DeviceWriteSm.TestId, DeviceReadSm.TestId, DeviceLocalCopySm.TestId, DeviceTriadSm.TestId,
                    HostToDeviceMemcpySm.TestId, DeviceToHostMemcpySm.TestId,
                };
                foreach (string test in kernelTests)
                {
                    var e = Assert.Throws<BandwidthVerificationException>(() => session.Run(test, Quick(), CancellationToken.None));
                    Assert.Equal(test, e.Test);
                    Assert.Contains("expected 0x", e.Message);
                }

                // The copy engine's source is made by the write kernel, so a wrong kernel cannot hide behind it.
                Assert.Throws<BandwidthVerificationException>(() => session.Run(DeviceLocalCopy.TestId, Quick(), CancellationToken.None));
            }

            AssertNothingLeft(0);
        }

        [FakeFact]
        public void Ptx_the_driver_refuses_is_retried_for_the_gpu_own_target_then_reported_with_the_jit_log()
        {
            GpuRuntime runtime = Runtime();
            FakeLibraries.Configure("FAKECUDA_PTX_REJECT=sm_50");
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                Assert.Equal("PTX ISA 7.8, sm_90 (the driver refused ISA 6.0, sm_50)", session.KernelDirectives);
                Assert.True(session.Run(DeviceWriteSm.TestId, Quick(), CancellationToken.None).Verified);
            }

            FakeLibraries.Configure("FAKECUDA_PTX_REJECT=1");
            var e = Assert.Throws<KernelRejectedException>(() => BandwidthSession.Open(runtime, Device(runtime, 1)));
            Assert.Contains("Unsupported .version 6.0", e.JitLog);
            Assert.Contains("sm_86", e.Message);
            Assert.Contains("CUDA_ERROR_INVALID_PTX", e.Message);
            AssertNothingLeft(0);
        }

        [FakeFact]
        public void Refused_pinned_memory_fails_the_pinned_tests_only()
        {
            FakeLibraries.Configure("FAKECUDA_PINNED_LIMIT_MB=1");
            GpuRuntime runtime = Runtime();
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                var e = Assert.Throws<PinnedMemoryRefusedException>(
                    () => session.Run(HostToDeviceMemcpyCe.TestId, Quick(2UL << 20), CancellationToken.None));
                Assert.Contains("2 MiB", e.Message);
                Assert.Contains("CUDA_ERROR_OUT_OF_MEMORY", e.Message);
                Assert.True(session.Run(HostToDeviceMemcpyCePageable.TestId, Quick(2UL << 20), CancellationToken.None).Verified);
            }

            AssertNothingLeft(0);
        }

        [FakeFact]
        public void Host_memory_is_allocated_on_the_gpus_cpus_and_the_thread_gets_its_own_cpus_back()
        {
            bool[] allowed = ThreadCpusFromProc();
            int lowest = Array.IndexOf(allowed, true);
            int allowedCount = allowed.Count(a => a);
            // The GPU's CPUs: the lowest one this thread may use, so the binding narrows any thread with two or more.
            FakeLibraries.Configure($"FAKENVML_CPU_WORD={lowest / 64}", $"FAKENVML_CPU_MASK=0x{1UL << (lowest % 64):X}");
            GpuRuntime runtime = Runtime();
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                foreach (string test in new[] { HostToDeviceMemcpyCe.TestId, HostToDeviceBidirectionalMemcpyCe.TestId })
                {
                    BandwidthResult r = session.Run(test, Quick(), CancellationToken.None);
                    Assert.Equal(1, Hook("fakecuda_pinned_alloc_cpu_count"));
                    Assert.Equal(lowest, Hook("fakecuda_pinned_alloc_lowest_cpu"));
                    Assert.Equal(lowest.ToString(System.Globalization.CultureInfo.InvariantCulture), r.BoundCpus);
                    Assert.Contains(allowedCount == 1 ? "left as it was" : "bound for the test to CPUs", r.Method);
                    Assert.Equal(allowed, ThreadCpusFromProc());
                }

                // The GPU's CPUs are 960-1023, which no machine here has: the thread runs where it may, and the result says why.
                FakeLibraries.Configure("FAKENVML_CPU_WORD=15", "FAKENVML_CPU_MASK=0xFFFFFFFFFFFFFFFF");
                BandwidthResult unbound = session.Run(DeviceToHostMemcpyCe.TestId, Quick(), CancellationToken.None);
                Assert.Null(unbound.BoundCpus);
                Assert.Contains("not bound to the GPU's CPUs (none of the GPU's CPUs (960-1023) is open to this process", unbound.Method);
                Assert.Equal(allowedCount, Hook("fakecuda_pinned_alloc_cpu_count"));
                Assert.Equal(allowed, ThreadCpusFromProc());
            }

            AssertNothingLeft(0);
        }

        /// <summary>The calling thread's CPUs (1024) as the kernel reports them in /proc, not through the module's binding.</summary>
        private static bool[] ThreadCpusFromProc()
        {
            string line = System.IO.File.ReadAllLines("/proc/thread-self/status")
                .Single(l => l.StartsWith("Cpus_allowed:", StringComparison.Ordinal));
            // Hex digits, most significant first, in comma-separated groups of 32 CPUs.
            string hex = line.Substring("Cpus_allowed:".Length).Trim().Replace(",", string.Empty);
            var cpus = new bool[1024];
            for (int digit = 0; digit < hex.Length && digit * 4 < cpus.Length; digit++)
            {
                int value = Convert.ToInt32(hex[hex.Length - 1 - digit].ToString(), 16);
                for (int bit = 0; bit < 4; bit++) cpus[digit * 4 + bit] = (value >> bit & 1) != 0;
            }

            return cpus;
        }

        [FakeFact]
        public void Batches_that_vary_by_three_percent_or_more_are_named_in_the_note_with_what_was_busy()
        {
            GpuRuntime runtime = Runtime();
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                FakeLibraries.Configure("FAKECUDA_EVENT_MS=2");
                foreach (string test in new[] { DeviceWriteSm.TestId, HostToDeviceMemcpyCe.TestId })
                {
                    BandwidthResult steady = session.Run(test, Quick(), CancellationToken.None);
                    Assert.Equal(0, steady.SpreadPercent);
                    Assert.DoesNotContain("Batches varied", steady.Note ?? string.Empty);
                }

                // Every other batch 10% slower: a spread of about 10% of the median.
                FakeLibraries.Configure("FAKECUDA_EVENT_MS=2,2.2");
                BandwidthResult device = session.Run(DeviceWriteSm.TestId, Quick(), CancellationToken.None);
                Assert.InRange(device.SpreadPercent, 9, 11);
                Assert.Contains("Batches varied by", device.Note);
                Assert.Contains("something else used the GPU during the test", device.Note);
                BandwidthResult host = session.Run(HostToDeviceMemcpyCe.TestId, Quick(), CancellationToken.None);
                Assert.Contains("something else used the host's memory or the PCIe link", host.Note);
            }

            AssertNothingLeft(0);
        }

        [FakeFact]
        public void A_batch_the_spin_kernel_gave_up_on_is_discarded()
        {
            FakeLibraries.Configure("FAKECUDA_SPIN_TIMEOUT=1");
            GpuRuntime runtime = Runtime();
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                Assert.Throws<BandwidthTimingException>(() => session.Run(DeviceLocalCopy.TestId, Quick(), CancellationToken.None));
                Assert.True(session.Run(DeviceToHostMemcpyCePageable.TestId, Quick(), CancellationToken.None).Verified);
            }

            AssertNothingLeft(0);
        }

        [FakeFact]
        public void A_size_that_does_not_fit_is_an_error_and_a_default_that_does_not_is_reduced_with_a_note()
        {
            FakeLibraries.Configure("FAKECUDA_MEMORY_MB=800");
            GpuRuntime runtime = Runtime();
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                var e = Assert.Throws<BandwidthBufferTooLargeException>(
                    () => session.Run(DeviceLocalCopySm.TestId, Quick(4UL << 30), CancellationToken.None));
                Assert.True(e.NeededBytes > e.FreeBytes);
                Assert.Contains("MiB are free", e.Message);

                BandwidthResult reduced = session.Run(DeviceLocalCopySm.TestId, Quick(null), CancellationToken.None);
                Assert.True(reduced.Verified);
                Assert.True(reduced.Bytes < 1UL << 30);
                Assert.Contains("Buffer reduced from 1,024 MiB", reduced.Note);
            }

            AssertNothingLeft(0);
        }

        [FakeFact]
        public void Cancellation_stops_the_test_and_frees_everything()
        {
            GpuRuntime runtime = Runtime();
            using (var cancel = new CancellationTokenSource())
            using (BandwidthSession session = BandwidthSession.Open(runtime, Device(runtime, 0)))
            {
                var request = Quick();
                request.Iterations = 1000000;
                int reports = 0;
                Assert.ThrowsAny<OperationCanceledException>(() => session.Run(DeviceTriadSm.TestId, request, cancel.Token, p =>
                {
                    if (p.Phase.EndsWith("measuring", StringComparison.Ordinal) && ++reports == 5) cancel.Cancel();
                }));
                Assert.Equal(0, Hook("fakecuda_context_stack_depth"));
            }

            AssertNothingLeft(0);
        }
    }

    /// <summary>The arithmetic of the theoretical figures and the data pattern.</summary>
    public sealed class BandwidthArithmeticTests
    {
        [Theory]
        [InlineData(3, 16, 15.75)]
        [InlineData(4, 16, 31.51)]
        [InlineData(5, 16, 63.02)]
        [InlineData(4, 8, 15.75)]
        [InlineData(2, 16, 8.0)]
        public void Pcie_per_direction_follows_rate_lanes_and_encoding(int generation, int lanes, double expected)
        {
            Theoretical t = TheoreticalBandwidth.Pcie(generation, lanes, generation, lanes);
            Assert.Equal(expected, Must.HaveValue(t.GBps), 2);
            Assert.Null(t.Note);
        }

        [Fact]
        public void A_link_below_its_maximum_says_so_and_an_unknown_link_has_no_figure()
        {
            Theoretical slow = TheoreticalBandwidth.Pcie(3, 8, 5, 16);
            Assert.Contains("Gen3 x8, below its maximum Gen5 x16", slow.Note);
            Assert.Null(TheoreticalBandwidth.Pcie(null, 16, 5, 16).GBps);
            Assert.Null(TheoreticalBandwidth.Pcie(7, 16, 7, 16).GBps);
        }

        [Fact]
        public void The_pattern_xor_is_the_xor_of_its_words()
        {
            foreach (ulong words in new ulong[] { 0, 1, 5, 4096 * 4 + 12, (1UL << 22) + 7 })
            {
                uint naive = 0;
                for (ulong k = 0; k < words; k++) naive ^= unchecked((uint)k * 0x9E3779B1u + 77);
                Assert.Equal(naive, BandwidthPattern.Xor(words, 77));
            }
        }

        [Fact]
        public void Cpu_masks_read_as_linux_cpu_lists()
        {
            Assert.Equal("0-7,16-23", HostLink.CpuList(new ulong[] { 0xFF00FF, 0 }));
            Assert.Equal("63-64,127", HostLink.CpuList(new ulong[] { 1UL << 63, 1 | 1UL << 63 }));
            Assert.Null(HostLink.CpuList(new ulong[2]));
        }

        [Theory]
        [InlineData(9, 0, "7.8")]
        [InlineData(8, 6, "7.1")]
        [InlineData(10, 0, "8.6")]
        [InlineData(12, 0, "8.7")]
        [InlineData(7, 5, "6.0")]
        public void The_retry_names_the_lowest_isa_that_knows_the_gpu(int major, int minor, string isa)
        {
            Assert.Equal(isa, BandwidthModule.LowestIsaFor(major, minor));
        }

        [Fact]
        public void Test_names_are_checked_and_kept_in_run_order()
        {
            Assert.Equal(
                new[] { DeviceReadSm.TestId, HostToDeviceMemcpyCe.TestId },
                BandwidthTests.Select(new[] { "host_to_device_memcpy_ce", "DEVICE_READ_SM", "device_read_sm" }).Select(t => t.Id));
            Assert.Equal(BandwidthTests.All, BandwidthTests.Select(null));
            var unknown = Assert.Throws<UnknownRegisteredIdException>(() => BandwidthTests.Select(new[] { "device_copy" }));
            Assert.Equal("UnknownBandwidthTest", unknown.ErrorId);
            Assert.Contains("device_local_copy_sm", unknown.Remedy, StringComparison.Ordinal);
        }
    }
}

namespace DlGpuTools.Engine.Tests
{
    /// <summary>Peer tests between the fake's two GPUs.</summary>
    public sealed class BandwidthPeerTests : FakeLibraryTest
    {
        private static GpuRuntime Runtime() =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml), PlatformNativeLoader.Instance);

        private static BandwidthRequest Quick() =>
            new BandwidthRequest { Bytes = (1UL << 20) + 16, Iterations = 3, Warmup = 1, BatchMilliseconds = 1, MaxOperationsPerBatch = 4 };

        [FakeFact]
        public void Every_peer_test_is_verified_with_the_link_as_its_theoretical_figure_and_nothing_is_left()
        {
            FakeLibraries.Configure("FAKENVML_NVLINKS=4");
            GpuRuntime runtime = Runtime();
            var devices = DeviceEnumerator.Enumerate(runtime).Devices;
            using (BandwidthSession a = BandwidthSession.Open(runtime, devices[0]))
            using (BandwidthSession b = BandwidthSession.Open(runtime, devices[1]))
            {
                foreach (string test in BandwidthTests.All.Where(t => t.Path == BandwidthPath.Peer).Select(t => t.Id))
                {
                    BandwidthResult r = a.RunPeer(test, b, Quick(), CancellationToken.None);
                    Assert.Equal(0, r.DeviceIndex);
                    Assert.Equal(1, r.PeerIndex);
                    Assert.True(r.Verified);
                    Assert.StartsWith("NVLink: NVLink, 4 link(s)", r.TheoreticalBasis);
                    Assert.Equal(test == DeviceToDeviceBidirectionalMemcpyWriteCe.TestId
                        || test == DeviceToDeviceBidirectionalMemcpySm.TestId ? 200.0 : 100.0, r.TheoreticalGBps);
                    Assert.Equal(r.GBps, r.TrafficGBps, 1); // over a link each byte crosses once; bidirectional adds both ways into both
                }

                // Without NVLink the figure is the slower GPU's PCIe link, with the PCIe path named.
                FakeLibraries.Configure();
                BandwidthResult pcie = b.RunPeer(DeviceToDeviceMemcpyWriteCe.TestId, a, Quick(), CancellationToken.None);
                Assert.Equal("PCIe Gen5 x16: 16 x 3.938 GB/s per lane (path PXB)", pcie.TheoreticalBasis);
                Assert.Throws<ArgumentException>(() => a.RunPeer(DeviceToDeviceMemcpyWriteCe.TestId, a, Quick(), CancellationToken.None));
            }

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth"));
        }

        [FakeFact]
        public void Gpus_without_peer_access_are_not_measured_through_the_host()
        {
            FakeLibraries.Configure("FAKECUDA_PEER=0");
            GpuRuntime runtime = Runtime();
            var devices = DeviceEnumerator.Enumerate(runtime).Devices;
            using (BandwidthSession a = BandwidthSession.Open(runtime, devices[0]))
            using (BandwidthSession b = BandwidthSession.Open(runtime, devices[1]))
            {
                var e = Assert.Throws<PeerAccessNotSupportedException>(
                    () => a.RunPeer(DeviceToDeviceMemcpyReadSm.TestId, b, Quick(), CancellationToken.None));
                Assert.Equal(1, e.Peer);
            }

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        [FakeFact]
        public void A_wrong_peer_copy_is_an_error()
        {
            FakeLibraries.Configure("FAKECUDA_KERNEL_SKIP_LAST=1");
            GpuRuntime runtime = Runtime();
            var devices = DeviceEnumerator.Enumerate(runtime).Devices;
            using (BandwidthSession a = BandwidthSession.Open(runtime, devices[0]))
            using (BandwidthSession b = BandwidthSession.Open(runtime, devices[1]))
            {
                Assert.Throws<BandwidthVerificationException>(
                    () => a.RunPeer(DeviceToDeviceMemcpyReadSm.TestId, b, Quick(), CancellationToken.None));
            }

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }
    }
}
