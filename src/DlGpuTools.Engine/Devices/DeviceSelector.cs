using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// Picks the devices a command was asked for, the same way for every command that takes devices.
    /// </summary>
    /// <remarks>
    /// A device is named by the most stable key the caller gave: a device object (from Get-CudaDevice, also
    /// deserialized or from JSON) by its UUID, else a -Uuid, else an -Index. When both a UUID and an index
    /// arrive (a piped object binds both by property name), the UUID wins: it names the same card in every
    /// process, while the index depends on that process's CUDA_VISIBLE_DEVICES. Devices come back in the
    /// driver's order, each once; every key that names no device is reported, not dropped silently.
    /// </remarks>
    public static class DeviceSelector
    {
        public static DeviceSelection Select(IReadOnlyList<CudaDevice> devices, IEnumerable<int>? indexes, IEnumerable<string>? uuids, IEnumerable<CudaDevice>? deviceObjects)
        {
            if (devices == null) throw new ArgumentNullException(nameof(devices));
            var wantedUuids = new List<string>();
            var wantedIndexes = new List<int>();

            List<CudaDevice>? objects = deviceObjects?.Where(d => d != null).ToList();
            List<string>? uuidList = uuids?.Select(DeviceIdentity.NormalizeUuid).OfType<string>().ToList();
            if (objects != null && objects.Count > 0)
            {
                foreach (CudaDevice d in objects)
                {
                    string? uuid = DeviceIdentity.NormalizeUuid(d.Uuid);
                    if (uuid != null) wantedUuids.Add(uuid);
                    else wantedIndexes.Add(d.Index);
                }
            }
            else if (uuidList != null && uuidList.Count > 0)
            {
                wantedUuids.AddRange(uuidList);
            }
            else if (indexes != null)
            {
                wantedIndexes.AddRange(indexes);
            }
            else
            {
                return new DeviceSelection(devices, Array.Empty<int>(), Array.Empty<string>());
            }

            var selected = devices.Where(d => (d.Uuid != null && wantedUuids.Contains(d.Uuid)) || wantedIndexes.Contains(d.Index)).ToList();
            int[] missingIndexes = wantedIndexes.Distinct().Where(i => devices.All(d => d.Index != i)).ToArray();
            string[] missingUuids = wantedUuids.Distinct(StringComparer.Ordinal).Where(u => devices.All(d => d.Uuid != u)).ToArray();
            return new DeviceSelection(selected, missingIndexes, missingUuids);
        }
    }

    /// <summary>The devices a command will work on, and the keys that named none.</summary>
    public sealed class DeviceSelection
    {
        public DeviceSelection(IReadOnlyList<CudaDevice> devices, IReadOnlyList<int> missingIndexes, IReadOnlyList<string> missingUuids)
        {
            Devices = devices;
            MissingIndexes = missingIndexes;
            MissingUuids = missingUuids;
        }

        public IReadOnlyList<CudaDevice> Devices { get; }

        public IReadOnlyList<int> MissingIndexes { get; }

        public IReadOnlyList<string> MissingUuids { get; }
    }
}
