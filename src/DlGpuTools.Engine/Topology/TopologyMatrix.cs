using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DlGpuTools.Topology
{
    /// <summary>The topology as nvidia-smi topo -m prints it: one row per GPU, a column per GPU, then affinities.</summary>
    public static class TopologyMatrix
    {
        public static IEnumerable<string> Lines(IReadOnlyList<GpuTopology> gpus)
        {
            var names = gpus.Select(g => "GPU" + g.Index).ToList();
            int cell = System.Math.Max(5, names.Concat(gpus.SelectMany(g => g.Links).Select(l => l.Path ?? "?")).Max(s => s.Length) + 1);
            string Pad(string s) => (s ?? string.Empty).PadRight(cell);
            var header = new StringBuilder(Pad(string.Empty));
            foreach (string n in names) header.Append(Pad(n));
            header.Append("CPU Affinity".PadRight(16)).Append("NUMA Affinity".PadRight(15)).Append("GPU NUMA ID");
            yield return header.ToString().TrimEnd();
            foreach (GpuTopology g in gpus)
            {
                var row = new StringBuilder(Pad("GPU" + g.Index));
                foreach (GpuTopology other in gpus)
                    row.Append(Pad(other.Index == g.Index ? "X" : g.Links.FirstOrDefault(l => l.PeerIndex == other.Index)?.Path ?? "?"));
                row.Append((g.CpuAffinity ?? "N/A").PadRight(16)).Append((g.NumaAffinity ?? "N/A").PadRight(15))
                    .Append(g.NumaNode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "N/A");
                yield return row.ToString().TrimEnd();
            }

            yield return string.Empty;
            // Within 80 columns, as every view (the legend ran to 104).
            yield return "Legend: X = self; NV# = NVLink with # links; PIX = at most one PCIe switch;";
            yield return "PXB = several PCIe switches; PHB = a PCIe host bridge; NODE = host bridges";
            yield return "within a NUMA node; SYS = across NUMA nodes.";
        }
    }
}
