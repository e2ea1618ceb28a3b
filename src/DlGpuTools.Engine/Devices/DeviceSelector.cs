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
        public static DeviceSelection Select(IReadOnlyList<CudaDevice> devices, IEnumerable<int>? indexes, IEnumerable<string>? uuids,
            IEnumerable<CudaDevice>? deviceObjects) =>
            Select(devices, DeviceKeys.From(indexes, uuids, deviceObjects));

        /// <summary>The devices the keys name (every device for null keys), and the keys that name none.</summary>
        public static DeviceSelection Select(IReadOnlyList<CudaDevice> devices, DeviceKeys? keys)
        {
            if (devices == null) throw new ArgumentNullException(nameof(devices));
            if (keys == null) return new DeviceSelection(devices, Array.Empty<int>(), Array.Empty<string>());
            var selected = devices.Where(d => (d.Uuid != null && keys.Uuids.Contains(d.Uuid)) || keys.Indexes.Contains(d.Index)).ToList();
            int[] missingIndexes = keys.Indexes.Where(i => devices.All(d => d.Index != i)).ToArray();
            string[] missingUuids = keys.Uuids.Where(u => devices.All(d => d.Uuid != u)).ToArray();
            return new DeviceSelection(selected, missingIndexes, missingUuids);
        }
    }

    /// <summary>
    /// The keys a command was given, after <see cref="DeviceSelector"/>'s rule picked which of them count, before
    /// they are looked up: so a command that must list the devices itself (Test-GpuHealth, under its time limit)
    /// applies the same rule as the others.
    /// </summary>
    public sealed class DeviceKeys
    {
        private DeviceKeys(IEnumerable<int> indexes, IEnumerable<string> uuids)
        {
            Indexes = indexes.Distinct().ToArray();
            Uuids = uuids.Distinct(StringComparer.Ordinal).ToArray();
        }

        public IReadOnlyList<int> Indexes { get; }

        /// <summary>Normalized as <see cref="DeviceIdentity.NormalizeUuid"/> writes them.</summary>
        public IReadOnlyList<string> Uuids { get; }

        /// <summary>
        /// The keys of the device objects (by UUID, by index where one has none), else of the UUIDs, else of the
        /// indexes; null when none was given, which means every device.
        /// </summary>
        public static DeviceKeys? From(IEnumerable<int>? indexes, IEnumerable<string>? uuids, IEnumerable<CudaDevice>? deviceObjects)
        {
            List<CudaDevice>? objects = deviceObjects?.Where(d => d != null).ToList();
            List<string>? uuidList = uuids?.Select(DeviceIdentity.NormalizeUuid).OfType<string>().ToList();
            if (objects != null && objects.Count > 0)
            {
                var fromObjects = objects.Select(d => (Device: d, Uuid: DeviceIdentity.NormalizeUuid(d.Uuid))).ToList();
                return new DeviceKeys(fromObjects.Where(o => o.Uuid == null).Select(o => o.Device.Index),
                    fromObjects.Select(o => o.Uuid).OfType<string>());
            }

            if (uuidList != null && uuidList.Count > 0) return new DeviceKeys(Array.Empty<int>(), uuidList);
            return indexes == null ? null : new DeviceKeys(indexes, Array.Empty<string>());
        }

        public static DeviceKeys OfIndexes(params int[] indexes) => new DeviceKeys(indexes ?? Array.Empty<int>(), Array.Empty<string>());

        /// <summary>The keys of both: for a command that gathers the devices of several pipeline records.</summary>
        public DeviceKeys And(DeviceKeys other)
        {
            if (other == null) throw new ArgumentNullException(nameof(other));
            return new DeviceKeys(Indexes.Concat(other.Indexes), Uuids.Concat(other.Uuids));
        }

        /// <summary>Whether a device with this index can be among those named: all can when a UUID names one.</summary>
        public bool MayName(int index) => Uuids.Count > 0 || Indexes.Contains(index);
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
