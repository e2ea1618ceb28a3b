using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Topology
{
    /// <summary>
    /// Turns a topology into placement advice: per GPU the CPUs and NUMA nodes to bind to, and the GPUs to run
    /// with. NVLink islands stay whole (splitting one sends its traffic over PCIe); GPUs without NVLink are grouped
    /// by NUMA node, and within a group the GPUs on one node are named apart, so a job never has to cross the link
    /// between sockets when a group of that size exists on one.
    /// </summary>
    public static class PlacementAdvisor
    {
        public static IReadOnlyList<GpuPlacement> Advise(IReadOnlyList<GpuTopology> gpus)
        {
            int[] indexes = gpus.Select(g => g.Index).ToArray();
            var byIndex = gpus.ToDictionary(g => g.Index);

            var islands = new DisjointSets(indexes);
            var nodes = new DisjointSets(indexes);
            foreach (GpuTopology a in gpus)
            {
                foreach (GpuTopology b in gpus.Where(g => g.Index > a.Index))
                {
                    if (NvLinked(a, b)) islands.Join(a.Index, b.Index);
                    if (SameNumaNode(a, b) == true) nodes.Join(a.Index, b.Index);
                }
            }

            // GPUs without NVLink form no island; they are grouped with the others of their NUMA node.
            var groups = new DisjointSets(indexes);
            foreach (GpuTopology a in gpus)
            {
                foreach (GpuTopology b in gpus.Where(g => g.Index > a.Index))
                {
                    bool together = islands.Same(a.Index, b.Index)
                        || (!HasNvLink(a) && !HasNvLink(b) && nodes.Same(a.Index, b.Index));
                    if (together) groups.Join(a.Index, b.Index);
                }
            }

            var groupNumber = new Dictionary<int, int>();
            foreach (int i in indexes.OrderBy(i => i))
            {
                int root = groups.Find(i);
                if (!groupNumber.ContainsKey(root)) groupNumber[root] = groupNumber.Count;
            }

            var result = new List<GpuPlacement>();
            foreach (GpuTopology gpu in gpus)
            {
                int[] members = indexes.Where(i => groups.Same(i, gpu.Index)).OrderBy(i => i).ToArray();
                bool nodeKnown = gpu.NumaAffinity != null || members.Any(i => i != gpu.Index && SameNumaNode(gpu, byIndex[i]) != null);
                result.Add(new GpuPlacement
                {
                    Index = gpu.Index,
                    Name = gpu.Name,
                    Uuid = gpu.Uuid,
                    NumaNodes = gpu.NumaAffinity,
                    Cpus = gpu.CpuAffinity,
                    NumactlCommand = Numactl(gpu),
                    TasksetCommand = gpu.CpuAffinity == null ? null : "taskset -c " + gpu.CpuAffinity,
                    Group = groupNumber[groups.Find(gpu.Index)],
                    GroupLink = GroupLink(members.Select(i => byIndex[i]).ToList()),
                    VisibleDevices = List(members),
                    SameNumaDevices = nodeKnown ? List(members.Where(i => nodes.Same(i, gpu.Index))) : null,
                });
            }

            return result;
        }

        private static string? Numactl(GpuTopology gpu)
        {
            if (gpu.NumaAffinity != null) return $"numactl --cpunodebind={gpu.NumaAffinity} --membind={gpu.NumaAffinity}";
            return gpu.CpuAffinity == null ? null : "numactl --physcpubind=" + gpu.CpuAffinity;
        }

        private static string GroupLink(IReadOnlyList<GpuTopology> members)
        {
            var links = members.SelectMany(g => g.Links).Where(l => members.Any(m => m.Index == l.PeerIndex) && l.NvLinkCount > 0).ToList();
            if (links.Count == 0) return "PCIe";
            return links.Any(l => l.ThroughNvSwitch) ? "NVSwitch" : "NVLink";
        }

        private static bool HasNvLink(GpuTopology gpu) => gpu.Links.Any(l => l.NvLinkCount > 0);

        private static bool NvLinked(GpuTopology a, GpuTopology b) => Links(a, b).Any(l => l.NvLinkCount > 0);

        /// <summary>
        /// Whether two GPUs hang off one NUMA node: by NVML's memory affinity where both have one, else by the PCIe
        /// common ancestor (every level but SYS stays within a node); null when neither is known.
        /// </summary>
        private static bool? SameNumaNode(GpuTopology a, GpuTopology b)
        {
            if (a.NumaAffinity != null && b.NumaAffinity != null)
                return string.Equals(a.NumaAffinity, b.NumaAffinity, StringComparison.Ordinal);
            PcieAncestor? level = Links(a, b).Select(l => l.PcieAncestor).FirstOrDefault(p => p != null);
            return level == null ? (bool?)null : level != PcieAncestor.SYS;
        }

        private static IEnumerable<GpuTopologyLink> Links(GpuTopology a, GpuTopology b) =>
            a.Links.Where(l => l.PeerIndex == b.Index).Concat(b.Links.Where(l => l.PeerIndex == a.Index));

        private static string List(IEnumerable<int> indexes) =>
            string.Join(",", indexes.Select(i => i.ToString(CultureInfo.InvariantCulture)));

        /// <summary>Union-find over GPU indexes.</summary>
        private sealed class DisjointSets
        {
            private readonly Dictionary<int, int> _parent;

            public DisjointSets(IEnumerable<int> items) => _parent = items.ToDictionary(i => i, i => i);

            public int Find(int i)
            {
                while (_parent[i] != i) i = _parent[i] = _parent[_parent[i]];
                return i;
            }

            public void Join(int a, int b) => _parent[Find(a)] = Find(b);

            public bool Same(int a, int b) => Find(a) == Find(b);
        }
    }
}
