using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Lists the NVIDIA GPUs the CUDA driver shows this process, with NVML's live facts.
    /// One parameter set: -Index, -Name and -Uuid narrow together, and Index and Uuid bind from the
    /// pipeline by property name, so objects from this cmdlet, from ConvertFrom-Json or from a remote
    /// session can be piped back in.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CudaDevice")]
    [OutputType(typeof(CudaDevice))]
    public sealed class GetCudaDeviceCommand : DlGpuCmdlet
    {
        private DeviceInventory _inventory;
        private bool _driverFailed;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DeviceIndex", "Ordinal")]
        [ValidateRange(0, int.MaxValue)]
        public int[] Index { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DeviceNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("GpuUuid")]
        [ValidateNotNullOrEmpty]
        public string[] Uuid { get; set; }

        protected override void ProcessRecord()
        {
            if (_driverFailed) return;
            if (_inventory == null && !TryEnumerate()) return;

            IEnumerable<CudaDevice> selected = _inventory.Devices;
            if (Index != null)
            {
                foreach (int index in Index.Where(i => i >= _inventory.DriverDeviceCount))
                {
                    WriteFailure(nameof(Messages.DeviceIndexNotFound), FailureCategory.ObjectNotFound,
                        Messages.Format(Messages.DeviceIndexNotFound, index, _inventory.DriverDeviceCount), Messages.ListDevicesRemedy, index);
                }

                selected = selected.Where(d => Index.Contains(d.Index));
            }

            if (Uuid != null)
            {
                var wanted = Uuid.Select(DeviceIdentity.NormalizeUuid).ToArray();
                foreach (string uuid in wanted.Where(u => _inventory.Devices.All(d => d.Uuid != u)))
                {
                    WriteFailure(nameof(Messages.DeviceUuidNotFound), FailureCategory.ObjectNotFound,
                        Messages.Format(Messages.DeviceUuidNotFound, uuid), Messages.ListDevicesRemedy, uuid);
                }

                selected = selected.Where(d => wanted.Contains(d.Uuid));
            }

            if (Name != null)
            {
                var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
                // PowerShell's convention: a literal name that matches nothing is an error; a wildcard is not.
                foreach (string literal in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)
                                                          && !_inventory.Devices.Any(d => string.Equals(d.Name, n, StringComparison.OrdinalIgnoreCase))))
                {
                    WriteFailure(nameof(Messages.DeviceNameNotFound), FailureCategory.ObjectNotFound,
                        Messages.Format(Messages.DeviceNameNotFound, literal), Messages.ListDevicesRemedy, literal);
                }

                selected = selected.Where(d => patterns.Any(p => p.IsMatch(d.Name ?? string.Empty)));
            }

            foreach (CudaDevice device in selected)
            {
                WriteObject(device);
            }
        }

        private bool TryEnumerate()
        {
            _inventory = EnumerateDevices(writeWarnings: true);
            if (_inventory == null)
            {
                // The driver is unusable or shows no device: one error for the whole command, no objects.
                _driverFailed = true;
                return false;
            }

            WriteVerbose(Messages.Format(Messages.DriverLoadedFrom, GpuRuntime.Shared.Driver.LibraryPath));
            DeviceNameCompleter.Remember(_inventory.Devices.Select(d => d.Name));
            return true;
        }
    }
}
