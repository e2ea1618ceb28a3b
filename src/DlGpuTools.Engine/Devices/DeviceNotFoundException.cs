using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// A command that answers for a set of GPUs together (Test-GpuHealth) was asked about one this process does not
    /// see: it answers nothing rather than answer for fewer GPUs than it was asked about.
    /// </summary>
    public sealed class DeviceNotFoundException : DlGpuToolsException
    {
        public DeviceNotFoundException(IReadOnlyList<int> missingIndexes, IReadOnlyList<string> missingUuids, int driverDeviceCount)
            : base(missingIndexes.Count > 0 ? ErrorCatalogue.DeviceIndexNotFound : ErrorCatalogue.DeviceUuidNotFound,
                Describe(missingIndexes, missingUuids, driverDeviceCount))
        {
            MissingIndexes = missingIndexes;
            MissingUuids = missingUuids;
            DriverDeviceCount = driverDeviceCount;
        }

        public IReadOnlyList<int> MissingIndexes { get; }

        public IReadOnlyList<string> MissingUuids { get; }

        /// <summary>How many devices the driver shows this process.</summary>
        public int DriverDeviceCount { get; }

        private static string Describe(IReadOnlyList<int> indexes, IReadOnlyList<string> uuids, int count)
        {
            var keys = indexes.Select(i => "index " + i.ToString(CultureInfo.InvariantCulture)).Concat(uuids.Select(u => "UUID " + u));
            return string.Format(CultureInfo.InvariantCulture, "No CUDA device has {0}; this process sees {1} device(s).",
                string.Join(" or ", keys), count);
        }
    }
}
