using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public sealed class MonitoringTextTests
    {
        [Fact]
        public void ClockEventReasonsAreDecodedByNameAndUnknownBitsKept()
        {
            Assert.Empty(ClockEventReasons.Decode(0));
            Assert.Equal(new[] { "SwPowerCap", "SwThermalSlowdown" }, ClockEventReasons.Decode(0x24));
            Assert.Equal(new[] { "GpuIdle", "HwPowerBrakeSlowdown", "Unknown0x1000" }, ClockEventReasons.Decode(0x1081));
        }

        [Theory]
        [InlineData("12:memory:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", "docker")]
        [InlineData("0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n", "docker")]
        [InlineData("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
            + "cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n", "containerd")]
        [InlineData("0::/kubepods.slice/kubepods-pod1.slice/crio-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n",
            "cri-o")]
        [InlineData("0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
            + "libpod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope/container\n", "podman")]
        [InlineData("11:cpu:/kubepods/besteffort/pod2f0c/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", "kubepods")]
        public void ContainerIsReadFromTheCgroupOfEachRuntime(string cgroup, string runtime)
        {
            ContainerIdentity? container = ContainerIdentity.FromCgroup(cgroup);
            Assert.NotNull(container);
            Assert.Equal(runtime, container.Runtime);
            Assert.Equal("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", container.Id);
        }

        [Theory]
        [InlineData("0::/user.slice/user-1000.slice/session-3.scope\n")]
        [InlineData("0::/init.scope\n")]
        [InlineData("")]
        public void AProcessOutsideContainersHasNone(string cgroup) => Assert.Null(ContainerIdentity.FromCgroup(cgroup));

        [Fact]
        public void ProcFilesAreParsed()
        {
            Assert.Equal("python3 train.py --name \"my run\"", ProcessFacts.ParseCommandLine("python3\0train.py\0--name\0my run\0"));
            Assert.Null(ProcessFacts.ParseCommandLine(""));
            Assert.Equal("1001", ProcessFacts.ParseRealUid("Name:\tpython3\nUid:\t1001\t1001\t1001\t1001\nGid:\t100\n"));
            string passwd = Path.GetTempFileName();
            try
            {
                File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/bash\n");
                Assert.Equal("alice", ProcessFacts.UserName("1001", passwd));
                Assert.Null(ProcessFacts.UserName("4242", passwd));
            }
            finally
            {
                File.Delete(passwd);
            }
        }

        private static GpuSample Sample(int index, DateTimeOffset when, int util) => new GpuSample
        {
            Timestamp = when,
            ComputerName = "node\"1",
            Index = index,
            Name = "NVIDIA H100 80GB HBM3",
            Uuid = "GPU-" + index,
            PciBusId = "00000000:1" + index + ":00.0",
            MinorNumber = index,
            GpuUtilizationPercent = util,
            MemoryUsed = 3UL * 1024 * 1024 * 1024,
            PowerW = 412.5,
            GpmSmActivityPercent = index == 0 ? 93.25 : (double?)null,
        };

        [Fact]
        public void PrometheusTextUsesDcgmNamesUnitsAndLabelsWithTheLatestSampleOfEachGpu()
        {
            var t0 = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
            string text = PrometheusExposition.Format(new[] { Sample(0, t0, 10), Sample(1, t0, 20), Sample(0, t0.AddSeconds(1), 77) });
            string labels0 = "{gpu=\"0\",UUID=\"GPU-0\",pci_bus_id=\"00000000:10:00.0\",device=\"nvidia0\",modelName=\"NVIDIA H100 80GB "
                + "HBM3\",hostname=\"node\\\"1\"}";
            Assert.Contains("DCGM_FI_DEV_GPU_UTIL" + labels0 + " 77\n", text);
            Assert.DoesNotContain(labels0 + " 10\n", text);
            Assert.Contains("DCGM_FI_DEV_FB_USED" + labels0 + " 3072\n", text);
            Assert.Contains("DCGM_FI_DEV_POWER_USAGE" + labels0 + " 412.5\n", text);
            Assert.Contains("DCGM_FI_PROF_SM_ACTIVE" + labels0 + " 0.9325\n", text);
            Assert.DoesNotContain("DCGM_FI_PROF_SM_ACTIVE{gpu=\"1\"", text);
            Assert.DoesNotContain("DCGM_FI_PROF_DRAM_ACTIVE", text);
            Assert.Equal(1, text.Split('\n').Count(l => l == "# TYPE DCGM_FI_DEV_GPU_UTIL gauge"));
            Assert.Equal(1, text.Split('\n').Count(l => l.StartsWith("# HELP DCGM_FI_DEV_GPU_UTIL ", StringComparison.Ordinal)));
            Assert.EndsWith("\n", text);
            Assert.DoesNotContain("\r", text);
        }

        [Fact]
        public void LabelValuesAreEscaped() => Assert.Equal("a\\\\b\\\"c\\nd", PrometheusExposition.Escape("a\\b\"c\nd"));

        [Fact]
        public void TextfileIsReplacedWholeAndNoTemporaryFileIsLeft()
        {
            string folder = Path.Combine(Path.GetTempPath(), "dlgpu-textfile-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string path = Path.Combine(folder, "gpu.prom");
                TextfileWriter.WriteAtomically(path, "first 1\n");
                TextfileWriter.WriteAtomically(path, "second 2\n");
                Assert.Equal("second 2\n", File.ReadAllText(path));
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));
                var missing = Assert.Throws<MetricExportException>(() =>
                    TextfileWriter.WriteAtomically(Path.Combine(folder, "missing", "gpu.prom"), "x"));
                Assert.Equal(Errors.ErrorCatalogue.MetricFolderNotFound.Id, missing.ErrorId);
                Assert.Equal($"The folder {Path.Combine(folder, "missing")} does not exist, so the metrics file was not written.",
                    missing.Message);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void AWriteTheFileSystemRefusesIsMetricFileNotWrittenWithThePath()
        {
            string folder = Path.Combine(Path.GetTempPath(), "dlgpu-textfile-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                // A name the file system takes, whose temporary sibling (the name and 38 more characters) it does not.
                string path = Path.Combine(folder, new string('g', 240) + ".prom");
                var e = Assert.Throws<MetricExportException>(() => TextfileWriter.WriteAtomically(path, "x 1\n"));
                Assert.Equal(Errors.ErrorCatalogue.MetricFileNotWritten.Id, e.ErrorId);
                Assert.StartsWith("Could not write the metrics file " + path + ": ", e.Message, StringComparison.Ordinal);
                Assert.Contains("--collector.textfile.directory", e.Remedy, StringComparison.Ordinal);
                Assert.Empty(Directory.GetFileSystemEntries(folder));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void WatchScreenFitsEightyColumnsWithLongNamesAndCommands()
        {
            var sample = Sample(0, DateTimeOffset.UtcNow, 100);
            sample.Name = "NVIDIA H100 80GB HBM3 with a very long marketing name indeed";
            sample.MemoryTotal = 80UL * 1024 * 1024 * 1024;
            sample.GpmTensorActivityPercent = 85;
            sample.ClockEventReasons = new[] { "SwPowerCap", "HwSlowdown", "SwThermalSlowdown", "HwThermalSlowdown",
                "HwPowerBrakeSlowdown" };
            sample.NvLinkCount = 18;
            var process = new GpuProcessUsage { ProcessId = 4194304, Index = 0, UserName = "a-very-long-user-name", UsedMemory = 70UL << 30,
                SmUtilizationPercent = 99, CommandLine = new string('x', 300), ContainerId = new string('a', 64) };
            IReadOnlyList<string> screen = WatchScreen.Render(new[] { sample }, new[] { process }, 1, true);
            Assert.All(screen, line => Assert.True(line.Length <= 80, line));
            Assert.Contains(screen, l => l.Contains("[####################] 100%"));
            Assert.Contains(screen, l => l.Contains("tensor") && l.Contains(" 85%"));
            Assert.Contains(screen, l => l.Contains("4194304") && l.Contains("aaaaaaaaaaaa ") && !l.Contains("aaaaaaaaaaaaa"));
            // A command cut to the width says so: it ends in an ellipsis, not mid-word with no sign.
            Assert.Contains(screen, l => l.Contains("4194304") && l.EndsWith("x\u2026", StringComparison.Ordinal) && l.Length == 80);
        }

        [Fact]
        public void AStreamOfSamplesIsWrittenOncePerCompleteRoundWithEveryGpu()
        {
            var rounds = new SampleRounds();
            GpuSample At(int gpu, int round) =>
                new GpuSample { Index = gpu, Uuid = "GPU-" + gpu, ComputerName = "n", GpuUtilizationPercent = round };

            // Round 1: the GPUs are not known yet, so nothing is written until GPU 0 comes again.
            Assert.Empty(rounds.Add(At(0, 1)));
            Assert.Empty(rounds.Add(At(1, 1)));
            var first = Assert.Single(rounds.Add(At(0, 2)));
            Assert.Equal(new[] { 1, 1 }, first.OrderBy(s => s.Index).Select(s => s.GpuUtilizationPercent!.Value));

            // From then on each round is written as soon as its last GPU arrives, with both GPUs' newest samples.
            var second = Assert.Single(rounds.Add(At(1, 2)));
            Assert.Equal(new[] { 2, 2 }, second.OrderBy(s => s.Index).Select(s => s.GpuUtilizationPercent!.Value));
            Assert.False(rounds.HasUnwritten);

            // A GPU that stops answering does not stall the file: the next round of the other GPU writes its last sample too.
            Assert.Empty(rounds.Add(At(0, 3)));
            var stalled = Assert.Single(rounds.Add(At(0, 4)));
            Assert.Equal(2, stalled.Count);
        }

        [Fact]
        public void PowerRoundsHalfAwayFromZeroAsTheOtherViewsDo()
        {
            // 72.5 W must read 73 as in the views, whose "0" format rounds half away from zero (Math.Round rounds to even).
            var sample = Sample(0, DateTimeOffset.UtcNow, 10);
            sample.PowerW = 72.5;
            sample.PowerLimitW = 700;
            Assert.Contains(WatchScreen.Render(new[] { sample }, Array.Empty<GpuProcessUsage>(), 1, false), l =>
                l.Contains("73/700 W", StringComparison.Ordinal));
        }

        [Fact]
        public void BarsAreProportionalAndClamped()
        {
            Assert.Equal("[##########..........]", WatchScreen.Bar(50, 20));
            Assert.Equal("[....]", WatchScreen.Bar(null, 4));
            Assert.Equal("[####]", WatchScreen.Bar(250, 4));
        }
    }

    public sealed class GpuSamplerFakeTests : FakeLibraryTest
    {
        private static GpuRuntime NewRuntime() =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml), PlatformNativeLoader.Instance);

        private static GpuSampler NewSampler(GpuRuntime runtime, List<string> warnings) =>
            GpuSampler.Create(runtime, DeviceEnumerator.Enumerate(runtime).Devices, warnings);

        [FakeFact]
        public void GpmFiguresComeFromTwoSamplesAndOnlyOnGpusThatSupportIt()
        {
            FakeLibraries.Configure("FAKENVML_GPM=1,0", "FAKENVML_GPM_2=91.5", "FAKENVML_GPM_3=40", "FAKENVML_GPM_5=83",
                "FAKENVML_GPM_7=80", "FAKENVML_GPM_10=55", "FAKENVML_GPM_12=12");
            var warnings = new List<string>();
            using (GpuSampler sampler = NewSampler(NewRuntime(), warnings))
            {
                sampler.Start();
                IReadOnlyList<GpuSample> samples = sampler.Sample();
                Assert.Empty(warnings);
                GpuSample h100 = samples.Single(s => s.Index == 0);
                Assert.Equal("NVML classic + GPM", h100.Source);
                Assert.Equal(91.5, h100.GpmSmActivityPercent);
                Assert.Equal(40, h100.GpmSmOccupancyPercent);
                Assert.Equal(83, h100.GpmTensorActivityPercent);
                Assert.Equal(80, h100.GpmTensorHmmaActivityPercent);
                Assert.Equal(55, h100.GpmDramBandwidthPercent);
                Assert.Equal(12, h100.GpmFp32ActivityPercent);
                GpuSample other = samples.Single(s => s.Index == 1);
                Assert.Null(other.GpmSmActivityPercent);
                Assert.Contains("not supported on this GPU", other.Source);
            }
        }

        [FakeFact]
        public void SamplesJoinNvmlDevicesByUuidWhateverNvmlsOrder()
        {
            FakeLibraries.Configure("FAKENVML_REVERSE=1", "FAKENVML_GPM_2=50");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                IReadOnlyList<GpuSample> samples = sampler.Sample();
                // The fake answers each GPU's temperature as 40 + its CUDA index and adds the index to GPM values.
                Assert.Equal(new int?[] { 40, 41 }, samples.Select(s => s.TemperatureC));
                Assert.Equal(new double?[] { 50.0, 51.0 }, samples.Select(s => s.GpmSmActivityPercent));
                Assert.Equal(new int?[] { 1755, 1756 }, samples.Select(s => s.SmClockMHz));
            }
        }

        [FakeFact]
        public void WithoutPcieCountersTheBlockingCallIsTheFallback()
        {
            FakeLibraries.Configure("FAKENVML_PCIE_NO_COUNTERS=1", "FAKENVML_PCIE_RX_KBPS=3000", "FAKENVML_PCIE_TX_KBPS=10");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                GpuSample s = sampler.Sample()[0];
                Assert.Equal(3000 * 1024.0, s.PcieRxBytesPerSecond);
                Assert.Equal(10 * 1024.0, s.PcieTxBytesPerSecond);
            }
        }

        [FakeFact]
        public void ClassicCountersAreRead()
        {
            FakeLibraries.Configure("FAKENVML_CLOCK_EVENTS=0x44", "FAKENVML_PCIE_RX_KBPS=3000", "FAKENVML_PCIE_TX_KBPS=10",
                "FAKENVML_ECC_CORRECTED=7", "FAKENVML_ECC_UNCORRECTED=2", "FAKENVML_MEMORY_USED_MIB=4096");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                int blockingCalls = FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_pcie_throughput_calls");
                sampler.Start();
                System.Threading.Thread.Sleep(50);
                GpuSample s = sampler.Sample()[0];
                Assert.Equal(new[] { "SwPowerCap", "HwThermalSlowdown" }, s.ClockEventReasons);
                // From the byte counters over the interval (within their byte granularity), never the 20 ms blocking call.
                Assert.InRange(Must.HaveValue(s.PcieRxBytesPerSecond), 3000 * 1024.0 * 0.99, 3000 * 1024.0 * 1.01);
                Assert.InRange(Must.HaveValue(s.PcieTxBytesPerSecond), 10 * 1024.0 * 0.99, 10 * 1024.0 * 1.01);
                Assert.Equal(blockingCalls, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_pcie_throughput_calls"));
                Assert.Equal(7UL, s.EccCorrectedVolatile);
                Assert.Equal(2UL, s.EccUncorrectedVolatile);
                Assert.Equal(107UL, s.EccCorrectedAggregate);
                Assert.Equal(4096UL << 20, s.MemoryUsed);
                Assert.Equal((81559UL - 512 - 4096) << 20, s.MemoryFree);
                Assert.Equal(72.5, s.PowerW);
                Assert.Equal(700, s.PowerLimitW);
                Assert.Equal(3, s.GpuUtilizationPercent);
                Assert.Equal(0, s.MinorNumber);
                Assert.Null(s.NvLinkCount);
                Assert.Null(s.NvLinkTxBytesPerSecond);
                // ECC is off on the fake's odd GPUs: empty, not zero.
                Assert.Null(sampler.Sample()[1].EccCorrectedVolatile);
            }
        }

        [FakeFact]
        public void NvLinkRatesComeFromTheCounterDifference()
        {
            // Rates high enough that the fake's whole-KiB counters round off far less than the 1% tolerance.
            FakeLibraries.Configure("FAKENVML_NVLINKS=18", "FAKENVML_NVLINK_TX_KIBPS=1048576", "FAKENVML_NVLINK_RX_KIBPS=204800");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                System.Threading.Thread.Sleep(50);
                GpuSample s = sampler.Sample()[0];
                Assert.Equal(18, s.NvLinkCount);
                Assert.InRange(Must.HaveValue(s.NvLinkTxBytesPerSecond), 1073741824 * 0.99, 1073741824 * 1.01);
                Assert.InRange(Must.HaveValue(s.NvLinkRxBytesPerSecond), 209715200 * 0.99, 209715200 * 1.01);
            }
        }

        [FakeFact]
        public void NvLinkCountersAreSummedPerLinkWhereTheDriverHasNoAllLinksScope()
        {
            FakeLibraries.Configure("FAKENVML_NVLINKS=4", "FAKENVML_NVLINK_PER_LINK_ONLY=1", "FAKENVML_NVLINK_TX_KIBPS=409600",
                "FAKENVML_NVLINK_RX_KIBPS=204800");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                System.Threading.Thread.Sleep(50);
                GpuSample s = sampler.Sample()[0];
                Assert.InRange(Must.HaveValue(s.NvLinkTxBytesPerSecond), 419430400 * 0.99, 419430400 * 1.01);
                Assert.InRange(Must.HaveValue(s.NvLinkRxBytesPerSecond), 209715200 * 0.99, 209715200 * 1.01);
            }
        }

        [FakeFact]
        public void TheFirstReadingWithoutStartSaysSoAndTheNextHasGpm()
        {
            FakeLibraries.Configure("FAKENVML_GPM_2=60");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                GpuSample first = sampler.Sample()[0];
                Assert.Null(first.GpmSmActivityPercent);
                Assert.Contains("first reading", first.Source);
                Assert.Equal(60, sampler.Sample()[0].GpmSmActivityPercent);
            }
        }

        [FakeFact]
        public void AFailingGpmCallLeavesTheClassicFiguresAndSaysWhy()
        {
            FakeLibraries.Configure("FAKENVML_FAIL=nvmlGpmMetricsGet=3");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                GpuSample s = sampler.Sample()[0];
                Assert.Null(s.GpmSmActivityPercent);
                Assert.Equal(40, s.TemperatureC);
                Assert.Contains("GPM metrics failed: NVML_ERROR_NOT_SUPPORTED", s.Source);
            }
        }

        [FakeFact]
        public void GpmBuffersAreFreedWhenTheSamplerIsDisposed()
        {
            int before = FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_gpm_live_samples");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                sampler.Sample();
                Assert.Equal(before + 4, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_gpm_live_samples"));
            }

            Assert.Equal(before, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_gpm_live_samples"));
        }

        [FakeFact]
        public void SamplingCreatesNoCudaContext()
        {
            int created = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations");
            using (GpuSampler sampler = NewSampler(NewRuntime(), new List<string>()))
            {
                sampler.Start();
                sampler.Sample();
            }

            Assert.Equal(created, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
        }

        [FakeFact]
        public void ProcessesHaveUtilizationAndOsFacts()
        {
            FakeLibraries.Configure("FAKENVML_PROC_SM=64", "FAKENVML_PROC_MEM=21");
            GpuRuntime runtime = NewRuntime();
            using (GpuSampler sampler = NewSampler(runtime, new List<string>()))
            {
                MonitoredDevice gpu0 = sampler.Devices.Single(d => d.Index == 0);
                IReadOnlyList<GpuProcessUsage> processes = GpuProcessReader.Read(Must.Exist(runtime.TryGetNvml(out _)), gpu0,
                    TimeSpan.FromSeconds(2));
                Assert.Equal(2, processes.Count);
                Assert.All(processes, p =>
                {
                    Assert.Equal(1, p.ProcessId);
                    Assert.Equal(64, p.SmUtilizationPercent);
                    Assert.Equal(21, p.MemoryUtilizationPercent);
                    Assert.Equal(gpu0.Uuid, p.Uuid);
                    Assert.Equal(ProcessFacts.ParseCommandLine(File.ReadAllText("/proc/1/cmdline")), p.CommandLine);
                    string? uid = ProcessFacts.ParseRealUid(File.ReadAllText("/proc/1/status"));
                    Assert.Equal(ProcessFacts.UserName(Must.Exist(uid), "/etc/passwd") ?? uid, p.UserName);
                });
                Assert.Equal(new ulong?[] { 512UL << 20, 1024UL << 20 }, processes.Select(p => p.UsedMemory));
                Assert.Empty(
                    GpuProcessReader.Read(Must.Exist(runtime.TryGetNvml(out _)), sampler.Devices.Single(d => d.Index == 1),
                    TimeSpan.FromSeconds(2)));
            }
        }
    }
}
