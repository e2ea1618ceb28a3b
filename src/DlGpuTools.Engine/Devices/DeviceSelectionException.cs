using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// A device a command was asked for that this process does not see (by index, UUID or name), or no device at all:
    /// the same error ids, messages and remedies from every command that takes a GPU.
    /// </summary>
    public sealed class DeviceSelectionException : DlGpuToolsException
    {
        private const string ListDevicesRemedy =
            "Run Get-CudaDevice without parameters to list the devices this process sees (CUDA_VISIBLE_DEVICES can hide some).";

        private DeviceSelectionException(ErrorEntry entry, string message, string remedy, object? key)
            : base(entry, message, remedy)
        {
            Key = key;
        }

        /// <summary>The index, UUID or name that named no device; null when there is no device at all.</summary>
        public object? Key { get; }

        public static DeviceSelectionException ForIndex(int index, int driverDeviceCount) =>
            new DeviceSelectionException(ErrorCatalogue.DeviceIndexNotFound,
                string.Format(CultureInfo.CurrentCulture, "No CUDA device has index {0}; this process sees {1} device(s).", index,
                    driverDeviceCount),
                ListDevicesRemedy, index);

        /// <summary>The same id for a MIG device, which CUDA shows a process only when CUDA_VISIBLE_DEVICES names it (one at most); the
        /// text says so.</summary>
        public static DeviceSelectionException ForUuid(string uuid)
        {
            if (uuid == null) throw new ArgumentNullException(nameof(uuid));
            if (!uuid.StartsWith("MIG-", StringComparison.Ordinal))
                return new DeviceSelectionException(ErrorCatalogue.DeviceUuidNotFound, "No CUDA device has UUID " + uuid + ".",
                    ListDevicesRemedy, uuid);
            return new DeviceSelectionException(ErrorCatalogue.DeviceUuidNotFound,
                "No CUDA device of this process is the MIG device " + uuid
                + ": CUDA shows a process at most one MIG device, the one CUDA_VISIBLE_DEVICES names (else the first).",
                "Start the process with CUDA_VISIBLE_DEVICES=" + uuid
                + " to work on that MIG device; Get-CudaDevice | Select-Object -ExpandProperty MigDevices lists the MIG devices and their "
                    + "UUIDs.", uuid);
        }

        public static DeviceSelectionException ForName(string name) =>
            new DeviceSelectionException(ErrorCatalogue.DeviceNameNotFound, "No CUDA device is named '" + name + "'.",
                ListDevicesRemedy, name);

        public static DeviceSelectionException NoDeviceVisible() =>
            // The id FailureClassifier gives CUDA_ERROR_NO_DEVICE: the driver works but shows this process no device.
            new DeviceSelectionException(ErrorCatalogue.CudaDeviceNotFound,
                "The CUDA driver is installed but shows no device to this process.",
                "Check that nvidia-smi lists a GPU and that CUDA_VISIBLE_DEVICES, if set, names one.", null);

        /// <summary>One failure for each key that names no device: indexes first, then UUIDs.</summary>
        public static IReadOnlyList<DeviceSelectionException> ForMissing(IEnumerable<int> indexes, IEnumerable<string> uuids,
            int driverDeviceCount) =>
            indexes.Select(i => ForIndex(i, driverDeviceCount)).Concat(uuids.Select(ForUuid)).ToList();

        /// <summary>The failures of a command that answers for its devices together and found some missing (Test-GpuHealth).</summary>
        public static IReadOnlyList<DeviceSelectionException> ForMissing(DeviceNotFoundException missing)
        {
            if (missing == null) throw new ArgumentNullException(nameof(missing));
            return ForMissing(missing.MissingIndexes, missing.MissingUuids, missing.DriverDeviceCount);
        }
    }

    /// <summary>
    /// A device whose own queries failed with an error the engine does not describe: reported for that device (the
    /// others are still listed) rather than lost, with the error's own text.
    /// </summary>
    public sealed class DeviceQueryFailedException : DlGpuToolsException
    {
        public DeviceQueryFailedException(int index, Exception cause)
            : base(ErrorCatalogue.CudaDeviceQueryFailed,
                string.Format(CultureInfo.CurrentCulture, "GPU {0} could not be queried: {1}", index, cause?.Message),
                "Check that nvidia-smi works and the GPU is healthy (nvidia-smi -q shows its state).")
        {
            Cause = cause ?? throw new ArgumentNullException(nameof(cause));
        }

        /// <summary>What the query raised.</summary>
        public Exception Cause { get; }
    }
}
