using System;
using System.Globalization;
using System.Text;

namespace DlGpuTools.Devices
{
    /// <summary>The two keys that identify a GPU across CUDA and NVML, in one canonical spelling each.</summary>
    internal static class DeviceIdentity
    {
        /// <summary>Formats cuDeviceGetUuid's 16 bytes as nvidia-smi and NVML print them: GPU-8-4-4-4-12 lower-case hex.</summary>
        public static string FormatUuid(byte[] bytes)
        {
            if (bytes == null || bytes.Length != 16) throw new ArgumentException("A CUDA UUID has 16 bytes.", nameof(bytes));
            var sb = new StringBuilder("GPU-", 40);
            for (int i = 0; i < 16; i++)
            {
                if (i == 4 || i == 6 || i == 8 || i == 10) sb.Append('-');
                sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        /// <summary>Lower-cased, trimmed, with the GPU- prefix ensured, so user input and NVML's text compare equal.</summary>
        public static string? NormalizeUuid(string? uuid)
        {
            if (Strings.IsNullOrWhiteSpace(uuid)) return null;
            string u = uuid.Trim().ToLowerInvariant();
            if (u.StartsWith("gpu-", StringComparison.Ordinal)) u = "GPU-" + u.Substring(4);
            else if (u.StartsWith("mig-", StringComparison.Ordinal)) u = "MIG-" + u.Substring(4);
            else u = "GPU-" + u;
            return u;
        }

        /// <summary>
        /// Canonical PCI bus id in NVML's form, DDDDDDDD:BB:DD.F upper-case hex. CUDA prints a 4-digit domain
        /// (0000:3b:00.0), NVML an 8-digit one (00000000:3B:00.0); both parse to the same value.
        /// </summary>
        public static string? NormalizePciBusId(string? busId)
        {
            if (Strings.IsNullOrWhiteSpace(busId)) return null;
            string[] parts = busId.Trim().Split(':');
            if (parts.Length != 3) return busId.Trim().ToUpperInvariant();
            string[] deviceFunction = parts[2].Split('.');
            if (!uint.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint domain)
                || !uint.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint bus)
                || !uint.TryParse(deviceFunction[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint device))
            {
                return busId.Trim().ToUpperInvariant();
            }

            uint function = 0;
            if (deviceFunction.Length > 1)
                uint.TryParse(deviceFunction[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out function);
            return string.Format(CultureInfo.InvariantCulture, "{0:X8}:{1:X2}:{2:X2}.{3:X}", domain, bus, device, function);
        }
    }
}
