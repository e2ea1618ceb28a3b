using System.Collections.Generic;

namespace DlGpuTools.Monitoring
{
    /// <summary>The clock-event (throttle) reason bits of nvml.h (nvmlClocksEventReason*), decoded by name.</summary>
    internal static class ClockEventReasons
    {
        private static readonly (ulong Bit, string Name)[] Bits =
        {
            (0x1, "GpuIdle"),
            (0x2, "ApplicationsClocksSetting"),
            (0x4, "SwPowerCap"),
            (0x8, "HwSlowdown"),
            (0x10, "SyncBoost"),
            (0x20, "SwThermalSlowdown"),
            (0x40, "HwThermalSlowdown"),
            (0x80, "HwPowerBrakeSlowdown"),
            (0x100, "DisplayClockSetting"),
        };

        /// <summary>The names of the set bits; a bit newer than this list reads as "Unknown0x..." rather than vanishing.</summary>
        public static string[] Decode(ulong mask)
        {
            var names = new List<string>();
            ulong known = 0;
            foreach (var (bit, name) in Bits)
            {
                known |= bit;
                if ((mask & bit) != 0) names.Add(name);
            }

            ulong rest = mask & ~known;
            for (int shift = 0; shift < 64 && rest != 0; shift++)
            {
                ulong bit = 1UL << shift;
                if ((rest & bit) == 0) continue;
                names.Add("Unknown0x" + bit.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
                rest &= ~bit;
            }

            return names.ToArray();
        }
    }
}
