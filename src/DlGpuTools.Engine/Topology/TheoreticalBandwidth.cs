using System.Globalization;

namespace DlGpuTools.Topology
{
    /// <summary>The link or memory figure a measurement is a percentage of, and how it was worked out.</summary>
    internal sealed class Theoretical
    {
        public Theoretical(double? gbps, string basis, string? note = null)
        {
            GBps = gbps;
            Basis = basis;
            Note = note;
        }

        public double? GBps { get; }

        public string Basis { get; }

        public string? Note { get; }
    }

    /// <summary>
    /// Theoretical figures, decimal GB/s (10^9 bytes per second) like every measured figure.
    /// Device memory: double data rate x memory clock x bus width (as Get-CudaDevice reports it).
    /// PCIe, per direction: lanes x transfer rate x encoding / 8 (PCI-SIG base specifications: Gen1 2.5 GT/s
    /// and Gen2 5 GT/s with 8b/10b; Gen3 8, Gen4 16 and Gen5 32 GT/s with 128b/130b; Gen6 64 GT/s with
    /// 242/256 FLIT), before packet (TLP/DLLP) overheads, which leave about 85-90% of it for data.
    /// </summary>
    internal static class TheoreticalBandwidth
    {
        /// <summary>GB/s per lane and direction for a PCIe generation, or null for one we do not know.</summary>
        public static double? PcieLaneGBps(int generation)
        {
            switch (generation)
            {
                case 1: return 2.5 * 8 / 10 / 8;
                case 2: return 5.0 * 8 / 10 / 8;
                case 3: return 8.0 * 128 / 130 / 8;
                case 4: return 16.0 * 128 / 130 / 8;
                case 5: return 32.0 * 128 / 130 / 8;
                case 6: return 64.0 * 242 / 256 / 8;
                default: return null;
            }
        }

        public static Theoretical DeviceMemory(CudaDevice device)
        {
            if (device.MemoryBandwidthGBps is double gbps)
                return new Theoretical(gbps, string.Format(CultureInfo.InvariantCulture, "memory: 2 x {0} MHz x {1}-bit bus",
                    device.MemoryClockMHz, device.MemoryBusWidth));
            return new Theoretical(null, "memory: clock or bus width unknown");
        }

        /// <summary>One direction of the GPU's PCIe link as it runs now (NVML's current generation and width).</summary>
        public static Theoretical Pcie(int? generation, int? width, int? maxGeneration, int? maxWidth, int directions = 1)
        {
            if (generation is int gen && width is int lanes && PcieLaneGBps(gen) is double lane && lanes > 0)
            {
                double gbps = lane * lanes * directions;
                string basis = string.Format(CultureInfo.InvariantCulture, "PCIe Gen{0} x{1}: {2} x {3:0.000} GB/s per lane{4}", gen, lanes,
                    lanes, lane, directions == 2 ? ", both directions" : string.Empty);
                string? note = null;
                if ((maxGeneration is int mg && mg > gen) || (maxWidth is int mw && mw > lanes))
                    note = string.Format(CultureInfo.InvariantCulture,
                        "The link ran at Gen{0} x{1}, below its maximum Gen{2} x{3} (slot, riser or BIOS setting, or power saving).", gen,
                        lanes, maxGeneration ?? gen, maxWidth ?? lanes);
                return new Theoretical(gbps, basis, note);
            }

            return new Theoretical(null, "PCIe: link generation or width unknown (NVML not available)");
        }
    }
}
