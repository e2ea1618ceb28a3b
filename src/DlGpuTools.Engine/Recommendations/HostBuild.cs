using System.Globalization;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// What a machine must provide for several PCIe cards, and an estimate of its cost (the cards' price does not
    /// include it). The costs are this project's estimates from 2026 used-part prices, not quotes: check them.
    /// </summary>
    internal static class HostBuild
    {
        /// <summary>The rest of the machine under load (CPU, board, disks, fans), in watts.</summary>
        public const int HostPowerW = 300;

        /// <summary>Supply headroom over the steady draw: GPUs spike above their board power for milliseconds.</summary>
        public const double SupplyHeadroom = 1.25;

        /// <summary>What a 15 A, 120 V household circuit feeds continuously (80% of 1,800 W).</summary>
        public const int CircuitContinuousW = 1440;

        public static string? Needs(GpuSpec card, int gpus)
        {
            if (gpus <= 1 || card.GpuFormFactor != GpuFormFactor.Pcie) return null;
            int tdp = card.TdpW ?? 300;
            int draw = tdp * gpus + HostPowerW;
            int supply = RoundUp((int)(draw * SupplyHeadroom), 100);
            string slots = gpus == 2
                ? "a board with two x16-size slots wired x8/x8 (PCIe 4.0 or newer) spaced for the cards' width, or a riser"
                : gpus == 4
                    ? "a workstation or server board (Threadripper, EPYC or Xeon) with four x16 slots from 64+ CPU lanes, an open frame "
                        + "or 4U chassis, risers"
                    : "a GPU server chassis with eight double-width x16 slots (dual EPYC/Xeon)";
            string power = string.Format(CultureInfo.InvariantCulture,
                "{0:N0} W steady ({1} x {2} W + {3} W host), so a {4:N0} W supply{5}", draw, gpus, tdp, HostPowerW, supply,
                draw > CircuitContinuousW
                    ? " or two, and more than a 15 A/120 V circuit gives: a 20 A or 230 V circuit, or power-limit the cards (nvidia-smi "
                        + "-pl)"
                    : string.Empty);
            string link = card.GpuInterconnect == GpuInterconnect.NvLinkBridgePair
                ? "; an NVLink bridge per pair is optional (it helps training, adds little to decode)" : string.Empty;
            return slots + "; " + power + link + ".";
        }

        /// <summary>Estimated cost of the host for <paramref name="gpus"/> PCIe cards beyond what a one-card desktop costs
        /// anyway.</summary>
        public static double? CostUsd(GpuSpec card, int gpus)
        {
            if (gpus <= 1 || card.GpuFormFactor != GpuFormFactor.Pcie) return null;
            return gpus == 2 ? 800 : gpus == 4 ? 2500 : 6000;
        }

        public static string CostBasis(int gpus) => gpus == 2
            ? "estimate: desktop CPU, x8/x8 board, 64 GB RAM, 1,600 W supply, case"
            : gpus == 4
                ? "estimate: used EPYC 7002/7003 or Threadripper board and CPU, 128 GB RAM, two supplies, frame and risers"
                : "estimate: used 8-slot GPU server chassis with dual CPUs and 256 GB RAM";

        private static int RoundUp(int value, int step) => (value + step - 1) / step * step;
    }
}
