using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands
{
    /// <summary>Listing the devices and picking those a command was asked for, with the same errors from every command.</summary>
    public abstract partial class DlGpuCmdlet
    {
        /// <summary>
        /// Lists the devices, or writes the one error that says why it cannot (no driver, cuInit failed, no
        /// device) and returns null. Devices that fail on their own are reported and left out.
        /// </summary>
        protected DeviceInventory? EnumerateDevices(bool writeWarnings)
        {
            DeviceInventory inventory;
            try
            {
                inventory = DeviceEnumerator.Enumerate(Runtime);
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                WriteFailure(e, null);
                return null;
            }

            if (writeWarnings)
            {
                foreach (string warning in inventory.Warnings) WriteWarning(warning);
            }

            foreach (DeviceFailure failure in inventory.Failures)
            {
                // Every failure a device query can raise is described; the wrapper keeps an unforeseen one visible.
                Exception error = IsKnownFailure(failure.Error) ? failure.Error : new DeviceQueryFailedException(failure.Index,
                    failure.Error);
                WriteFailure(error, failure.Index, ErrorCatalogue.CudaDeviceQueryFailed);
            }

            if (inventory.DriverDeviceCount == 0)
            {
                WriteFailure(DeviceSelectionException.NoDeviceVisible(), null);
                return null;
            }

            return inventory;
        }

        /// <summary>
        /// The devices named by -InputObject, -Uuid or -Index (see <see cref="DeviceSelector"/> for which wins),
        /// or all of them; writes DeviceIndexNotFound/DeviceUuidNotFound for each key that names no device. An
        /// index whose device failed its own queries was already reported by <see cref="EnumerateDevices"/>.
        /// </summary>
        protected IReadOnlyList<CudaDevice> SelectDevices(DeviceInventory inventory, int[]? index, string[]? uuid,
            CudaDevice[]? inputObject)
        {
            if (inventory == null) throw new ArgumentNullException(nameof(inventory));
            DeviceSelection selection = DeviceSelector.Select(inventory.Devices, index, uuid, inputObject);
            IEnumerable<int> missing = selection.MissingIndexes.Where(i => inventory.Failures.All(f => f.Index != i));
            foreach (DeviceSelectionException notFound in DeviceSelectionException.ForMissing(missing, selection.MissingUuids,
                inventory.DriverDeviceCount))
                WriteFailure(notFound, notFound.Key);
            return selection.Devices;
        }

        /// <summary>DeviceIndexNotFound and DeviceUuidNotFound, one for each key a <see cref="DeviceNotFoundException"/> names: the same
        /// errors from every command.</summary>
        protected void WriteDevicesNotFound(DeviceNotFoundException missing)
        {
            if (missing == null) throw new ArgumentNullException(nameof(missing));
            foreach (DeviceSelectionException notFound in DeviceSelectionException.ForMissing(missing))
                WriteFailure(notFound, notFound.Key);
        }
    }
}
