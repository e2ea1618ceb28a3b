using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Health
{
    /// <summary>The driver against -MinimumDriverVersion; no row when none is given.</summary>
    internal sealed class DriverVersionCheck : HostCheck
    {
        public override string Id => "driver_version";

        public override string Name => "Driver version";

        public override string Description => "The driver is at least -MinimumDriverVersion (only when it is given).";

        public override IEnumerable<GpuHealthCheck> Run(HealthContext context)
        {
            if (context.Request.MinimumDriverVersion is not Version minimum) yield break;
            string? driverVersion = context.DriverVersion;
            Version? have = ParseDriver(driverVersion);
            if (have == null)
                yield return Row(null, CheckStatus.Warning, $"The driver version could not be read, so it was not compared with {minimum}.",
                    "Check nvidia-smi.", HealthAction.Watch);
            else if (have < minimum)
                yield return Row(null, CheckStatus.Failed, $"Driver {driverVersion}, older than the {minimum} required.",
                    $"Drain the node, install driver {minimum} or newer, then reboot.", HealthAction.Drain);
            else
                yield return Row(null, CheckStatus.Passed, $"Driver {driverVersion} (at least {minimum}).");
        }

        internal static Version? ParseDriver(string? text)
        {
            if (Strings.IsNullOrWhiteSpace(text)) return null;
            var numbers = new List<int>();
            foreach (string p in text.Split('.').Take(4))
            {
                if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) break;
                numbers.Add(n);
            }

            return numbers.Count switch
            {
                0 => null,
                1 => new Version(numbers[0], 0),
                2 => new Version(numbers[0], numbers[1]),
                3 => new Version(numbers[0], numbers[1], numbers[2]),
                _ => new Version(numbers[0], numbers[1], numbers[2], numbers[3]),
            };
        }
    }
}
