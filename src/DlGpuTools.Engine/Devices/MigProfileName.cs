using System;
using System.Globalization;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// The name nvidia-smi gives a MIG device's profile, from its slice counts and memory: "3g.40gb", or "1c.3g.40gb"
    /// when the compute instance has fewer slices than its GPU instance (NVIDIA MIG User Guide, "MIG Device Names",
    /// https://docs.nvidia.com/datacenter/tesla/mig-user-guide/mig-device-names.html). The memory figure is not the
    /// instance's memory rounded: it is the instance's share of the board in eighths, rounded up, times the board's
    /// memory in whole GB, as NVIDIA's go-nvlib computes it for the Kubernetes device plugin and mig-parted
    /// (getMigMemorySizeGB,
    /// https://github.com/NVIDIA/go-nvlib/blob/85303dd3568cafd9076314be00cd728f6bd9b915/pkg/nvlib/device/mig_profile.go).
    /// So a 9984 MiB slice of an 81559 MiB H100 is "10gb", and 40448 MiB is "40gb".
    /// </summary>
    internal static class MigProfileName
    {
        private const double OneMiB = 1024.0 * 1024.0;
        private const ulong OneGiB = 1024UL * 1024 * 1024;
        private const int MemoryFractionDenominator = 8;

        /// <summary>The profile name; null when a figure is missing or zero.</summary>
        public static string? Format(int gpuSlices, int computeSlices, ulong instanceMemoryMiB, ulong boardMemoryBytes)
        {
            if (gpuSlices <= 0 || instanceMemoryMiB == 0 || boardMemoryBytes == 0) return null;
            string name = gpuSlices.ToString(CultureInfo.InvariantCulture) + "g." + MemoryGB(instanceMemoryMiB, boardMemoryBytes)
                .ToString(CultureInfo.InvariantCulture) + "gb";
            return computeSlices > 0 && computeSlices != gpuSlices
                ? computeSlices.ToString(CultureInfo.InvariantCulture) + "c." + name : name;
        }

        /// <summary>
        /// The "40" of 3g.40gb: the instance's share of the board in eighths (rounded up) times the board's GB (rounded up).
        /// </summary>
        public static ulong MemoryGB(ulong instanceMemoryMiB, ulong boardMemoryBytes)
        {
            if (boardMemoryBytes == 0) throw new ArgumentOutOfRangeException(nameof(boardMemoryBytes));
            double fraction = instanceMemoryMiB * OneMiB / boardMemoryBytes;
            fraction = Math.Ceiling(fraction * MemoryFractionDenominator) / MemoryFractionDenominator;
            double boardGB = (boardMemoryBytes + OneGiB - 1) / OneGiB;
            return (ulong)Math.Round(fraction * boardGB, MidpointRounding.AwayFromZero);
        }
    }
}
