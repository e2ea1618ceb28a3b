using System.Globalization;

namespace DlGpuTools.Devices
{
    /// <summary>Unit conversions used when building device objects and by the format views.</summary>
    public static class Units
    {
        /// <summary>Theoretical bandwidth in GB/s (10^9 bytes): double data rate × clock × bus width in bytes.</summary>
        public static double? MemoryBandwidthGBps(int? memoryClockKHz, int? busWidthBits)
        {
            if (memoryClockKHz == null || busWidthBits == null || memoryClockKHz <= 0 || busWidthBits <= 0) return null;
            double bytesPerSecond = 2.0 * memoryClockKHz.Value * 1000.0 * (busWidthBits.Value / 8.0);
            return System.Math.Round(bytesPerSecond / 1e9, 1);
        }

        /// <summary>1000*major + 10*minor (cuDriverGetVersion, cudaRuntimeGetVersion) to "major.minor".</summary>
        public static string? CudaVersionText(int encoded)
        {
            if (encoded <= 0) return null;
            return string.Format(CultureInfo.InvariantCulture, "{0}.{1}", encoded / 1000, (encoded % 1000) / 10);
        }

        /// <summary>Bytes as GiB/MiB text with binary units, the way nvidia-smi's MiB figures relate to bytes.</summary>
        public static string? FormatBytes(ulong? bytes)
        {
            if (bytes == null) return null;
            double b = bytes.Value;
            if (b >= 1UL << 30) return (b / (1UL << 30)).ToString("0.0", CultureInfo.CurrentCulture) + " GiB";
            if (b >= 1UL << 20) return (b / (1UL << 20)).ToString("0.0", CultureInfo.CurrentCulture) + " MiB";
            if (b >= 1UL << 10) return (b / (1UL << 10)).ToString("0.0", CultureInfo.CurrentCulture) + " KiB";
            return b.ToString("0", CultureInfo.CurrentCulture) + " B";
        }
    }
}
