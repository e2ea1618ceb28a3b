using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Topology;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>Get-GpuTopology's engine against the fake NVML's paths, NVLinks and peer statuses.</summary>
    public sealed class TopologyReaderTests : FakeLibraryTest
    {
        private static IReadOnlyList<GpuTopology> Read(List<string>? warnings = null, string? nvml = null)
        {
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, nvml ?? FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            return TopologyReader.Read(runtime, DeviceEnumerator.Enumerate(runtime).Devices, warnings ?? new List<string>());
        }

        [FakeFact]
        public void Pcie_pairs_get_the_common_ancestor_affinity_and_peer_access_from_both_libraries()
        {
            IReadOnlyList<GpuTopology> gpus = Read();
            Assert.Equal(2, gpus.Count);
            Assert.Equal(0, gpus[0].NumaNode);
            Assert.Equal("8-15,24-31", gpus[1].CpuAffinity);
            Assert.Equal("1", gpus[1].NumaAffinity);
            GpuTopologyLink link = Assert.Single(gpus[0].Links);
            Assert.Equal(1, link.PeerIndex);
            Assert.Equal("PXB", link.Path);
            Assert.Equal(0, link.NvLinkCount);
            Assert.Contains("several PCIe switches", link.Description);
            Assert.Equal("OK", link.P2PRead);
            Assert.Equal("NotSupported", link.P2PNvLink);
            Assert.True(link.CanAccessPeer);
            Assert.True(link.NativeAtomics);
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
        }

        [FakeFact]
        public void Direct_nvlinks_are_counted_per_peer_and_given_a_bandwidth()
        {
            FakeLibraries.Configure("FAKENVML_NVLINKS=4", "FAKENVML_TOPOLOGY_LEVEL=50");
            GpuTopologyLink link = Read()[0].Links.Single();
            Assert.Equal("NV4", link.Path);
            Assert.Equal("SYS", link.PcieLevel);
            Assert.False(link.ThroughNvSwitch);
            Assert.Equal(100, link.NvLinkGBps); // fake GPU 0 is Hopper: 4 x 25 GB/s per direction
            Assert.Equal("OK", link.P2PNvLink);
        }

        [FakeFact]
        public void Nvswitch_links_reach_every_gpu_and_no_peer_access_is_reported_as_such()
        {
            FakeLibraries.Configure("FAKECUDA_DEVICES=3", "FAKENVML_NVLINKS=18", "FAKENVML_NVSWITCH=1",
                "FAKENVML_P2P=0", "FAKECUDA_PEER=0");
            IReadOnlyList<GpuTopology> gpus = Read();
            Assert.All(gpus.SelectMany(g => g.Links), l =>
            {
                Assert.Equal("NV18", l.Path);
                Assert.True(l.ThroughNvSwitch);
                Assert.False(l.CanAccessPeer);
                Assert.Equal("NotSupported", l.P2PRead);
            });
            string[] matrix = TopologyMatrix.Lines(gpus).ToArray();
            Assert.Matches(@"^\s+GPU0\s+GPU1\s+GPU2\s+CPU Affinity\s+NUMA Affinity\s+GPU NUMA ID$", matrix[0]);
            Assert.Matches(@"^GPU1\s+NV18\s+X\s+NV18\s+8-15,24-31\s+1\s+1$", matrix[2]);
        }

        [FakeFact]
        public void Without_nvml_paths_are_unknown_with_a_warning_and_cuda_still_answers()
        {
            var warnings = new List<string>();
            IReadOnlyList<GpuTopology> gpus = Read(warnings, "/nonexistent/libnvidia-ml.so.1");
            GpuTopologyLink link = gpus[0].Links.Single();
            Assert.Equal("?", link.Path);
            Assert.True(link.CanAccessPeer);
            Assert.Null(gpus[0].NumaNode);
            Assert.Contains(warnings, w => w.Contains("NVML could not be loaded"));
        }
    }
}
