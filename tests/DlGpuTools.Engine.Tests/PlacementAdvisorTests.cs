using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Topology;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>Get-GpuTopology -Placement's grouping on made-up machines.</summary>
    public sealed class PlacementAdvisorTests
    {
        private const string Node0Cpus = "0-15,32-47";
        private const string Node1Cpus = "16-31,48-63";

        /// <summary>GPUs on NUMA node index * nodes / count; links from the path between each pair.</summary>
        private static List<GpuTopology> Machine(int count, Func<int, int, (string Path, int NvLinks, bool Switch)> path, int nodes = 2)
        {
            var gpus = new List<GpuTopology>();
            for (int i = 0; i < count; i++)
            {
                int node = i * nodes / count;
                var gpu = new GpuTopology
                {
                    Index = i,
                    Uuid = "GPU-" + i,
                    NumaAffinity = node.ToString(CultureInfo.InvariantCulture),
                    CpuAffinity = node == 0 ? Node0Cpus : Node1Cpus,
                };
                for (int j = 0; j < count; j++)
                {
                    if (j == i) continue;
                    (string p, int nv, bool sw) = path(i, j);
                    int nodeJ = j * nodes / count;
                    gpu.Links.Add(new GpuTopologyLink
                    {
                        DeviceIndex = i,
                        PeerIndex = j,
                        Path = p,
                        NvLinkCount = nv,
                        ThroughNvSwitch = sw,
                        PcieLevel = node == nodeJ ? "NODE" : "SYS",
                    });
                }

                gpus.Add(gpu);
            }

            return gpus;
        }

        [Fact]
        public void Two_nvlink_pairs_on_two_sockets_are_two_groups_each_on_its_socket()
        {
            List<GpuTopology> pairs = Machine(4, (a, b) => a / 2 == b / 2 ? ("NV4", 4, false) : ("SYS", 0, false));
            IReadOnlyList<GpuPlacement> p = PlacementAdvisor.Advise(pairs);
            Assert.Equal(new[] { 0, 0, 1, 1 }, p.Select(x => x.Group));
            Assert.Equal(new[] { "0,1", "0,1", "2,3", "2,3" }, p.Select(x => x.VisibleDevices));
            Assert.Equal(p.Select(x => x.VisibleDevices), p.Select(x => x.SameNumaDevices));
            Assert.All(p, x => Assert.Equal("NVLink", x.GroupLink));
            Assert.Equal("numactl --cpunodebind=1 --membind=1", p[3].NumactlCommand);
            Assert.Equal("taskset -c 16-31,48-63", p[3].TasksetCommand);
            Assert.Equal(Node0Cpus, p[0].Cpus);
        }

        [Fact]
        public void Eight_gpus_on_nvswitch_over_two_sockets_are_one_island_with_a_half_per_socket()
        {
            IReadOnlyList<GpuPlacement> p = PlacementAdvisor.Advise(Machine(8, (a, b) => ("NV18", 18, true)));
            Assert.All(p, x =>
            {
                Assert.Equal(0, x.Group);
                Assert.Equal("NVSwitch", x.GroupLink);
                Assert.Equal("0,1,2,3,4,5,6,7", x.VisibleDevices);
            });
            Assert.Equal("0,1,2,3", p[2].SameNumaDevices);
            Assert.Equal("4,5,6,7", p[5].SameNumaDevices);
            Assert.Equal("0", p[2].NumaNodes);
        }

        [Fact]
        public void Pcie_gpus_two_per_socket_are_grouped_by_socket_never_across()
        {
            IReadOnlyList<GpuPlacement> p = PlacementAdvisor.Advise(Machine(4, (a, b) => (a / 2 == b / 2 ? "PXB" : "SYS", 0, false)));
            Assert.Equal(new[] { 0, 0, 1, 1 }, p.Select(x => x.Group));
            Assert.Equal(new[] { "0,1", "0,1", "2,3", "2,3" }, p.Select(x => x.VisibleDevices));
            Assert.All(p, x => Assert.Equal("PCIe", x.GroupLink));
        }

        [Fact]
        public void Without_affinity_the_pcie_path_decides_the_node_and_nothing_known_leaves_a_gpu_alone()
        {
            List<GpuTopology> gpus = Machine(4, (a, b) => (a / 2 == b / 2 ? "PIX" : "SYS", 0, false));
            // GPU 1 without NVML's affinity: its PIX path to GPU 0 still puts it on GPU 0's node.
            gpus[1].NumaAffinity = null;
            gpus[1].CpuAffinity = null;
            // GPU 3 with nothing known at all: no affinity, no path.
            gpus[3].NumaAffinity = null;
            gpus[3].CpuAffinity = null;
            foreach (GpuTopologyLink l in gpus.SelectMany(g => g.Links).Where(l => l.DeviceIndex == 3 || l.PeerIndex == 3))
            {
                l.Path = "?";
                l.PcieLevel = null;
            }

            IReadOnlyList<GpuPlacement> p = PlacementAdvisor.Advise(gpus);
            Assert.Equal("0,1", p[1].VisibleDevices);
            Assert.Null(p[1].NumactlCommand);
            Assert.Null(p[1].TasksetCommand);
            Assert.Equal("3", p[3].VisibleDevices);
            Assert.Null(p[3].SameNumaDevices);
            Assert.Null(p[3].NumaNodes);
            Assert.Equal(new[] { 0, 0, 1, 2 }, p.Select(x => x.Group));
        }

        [Fact]
        public void Numactl_falls_back_to_the_cpus_when_the_node_is_unknown()
        {
            List<GpuTopology> gpus = Machine(2, (a, b) => ("SYS", 0, false));
            gpus[0].NumaAffinity = null;
            Assert.Equal("numactl --physcpubind=" + Node0Cpus, PlacementAdvisor.Advise(gpus)[0].NumactlCommand);
        }
    }
}
