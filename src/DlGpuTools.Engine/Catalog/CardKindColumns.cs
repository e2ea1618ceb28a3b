using System;
using System.Globalization;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// The card table's columns for how a card is built and linked: interconnect, peer_to_peer, form_factor,
    /// platform, usable_memory_gb, node_gpus, node_power_w. Each may be empty in a user's table; then it follows
    /// from what the row does say (an NVIDIA card runs CUDA, a card's usable memory is its memory, an SXM module
    /// sits on an 8-GPU board).
    /// </summary>
    internal static class CardKindColumns
    {
        public static void Read(TableRow row, GpuSpec card)
        {
            card.GpuPlatform = Enum<GpuPlatform>(row, "platform", "Cuda, Rocm, Metal or OneApi") ?? DefaultPlatform(card);
            card.GpuFormFactor = Enum<GpuFormFactor>(row, "form_factor", "Pcie, Sxm, UnifiedMemory or Integrated") ?? GpuFormFactor.Pcie;
            card.GpuInterconnect = Enum<GpuInterconnect>(row, "interconnect", "None, NvLinkBridgePair, NvSwitch or InfinityFabric")
                                ?? (card.GpuFormFactor == GpuFormFactor.Sxm
                                    && card.Vendor == "NVIDIA" ? GpuInterconnect.NvSwitch : GpuInterconnect.None);
            card.PeerToPeer = Bool(row, "peer_to_peer") ?? card.GpuInterconnect != GpuInterconnect.None;
            double? usable = row.Number("usable_memory_gb");
            if (usable is double u && (u <= 0 || u > card.MemoryGB + 0.01) && card.MemoryGB > 0)
                row.Fault("usable_memory_gb", string.Format(CultureInfo.InvariantCulture, "{0} {1} is not in 0..memory_gb ({2})",
                    row.Header("usable_memory_gb"), u, card.MemoryGB));
            card.UsableMemoryGb = usable ?? card.MemoryGB;
            card.NodeGpus = row.Integer("node_gpus") ?? (card.GpuFormFactor == GpuFormFactor.Sxm ? 8 : (int?)null);
            if (card.NodeGpus is int n && (n < 1 || n > 72)) row.Fault("node_gpus", $"{row.Header("node_gpus")} {n} is outside 1..72");
            card.NodePowerW = row.Integer("node_power_w");
            if (card.NodePowerW is int w && (w < 100 || w > 200000)) row.Fault("node_power_w",
                $"{row.Header("node_power_w")} {w} is outside 100..200000 (watts of the whole server)");
        }

        private static GpuPlatform DefaultPlatform(GpuSpec card)
        {
            if (card.IsCudaCapable) return GpuPlatform.Cuda;
            switch (card.Vendor)
            {
                case "AMD": return GpuPlatform.Rocm;
                case "Apple": return GpuPlatform.Metal;
                case "Intel": return GpuPlatform.OneApi;
                default: return GpuPlatform.Cuda;
            }
        }

        private static T? Enum<T>(TableRow row, string column, string allowed)
            where T : struct
        {
            string? text = row.Text(column);
            if (text == null) return null;
            if (System.Enum.TryParse(text, true, out T value) && System.Enum.IsDefined(typeof(T),
                value) && !char.IsDigit(text[0])) return value;
            row.Fault(column, $"{row.Header(column)} '{TableText.Shown(text)}' is not {allowed}");
            return null;
        }

        private static bool? Bool(TableRow row, string column)
        {
            string? text = row.Text(column);
            if (text == null) return null;
            switch (text.ToLowerInvariant())
            {
                case "yes":
                case "true":
                    return true;
                case "no":
                case "false":
                    return false;
                default:
                    row.Fault(column, $"{row.Header(column)} '{TableText.Shown(text)}' is not yes or no");
                    return null;
            }
        }
    }
}
