using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Lists the NVIDIA GPUs the CUDA driver shows this process, with NVML's live facts. Devices are picked
    /// by -InputObject, -Uuid or -Index (one rule for every command, see DeviceSelector), then narrowed by -Name.
    /// Index and Uuid bind from the pipeline by property name, so objects from this cmdlet, from
    /// ConvertFrom-Json or from a remote session can be piped back in; live objects bind -InputObject.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CudaDevice", DefaultParameterSetName = FilterSet)]
    [OutputType(typeof(CudaDevice))]
    public sealed class GetCudaDeviceCommand : DlGpuCmdlet
    {
        private const string FilterSet = "Filter";
        private const string InputObjectSet = "InputObject";

        private DeviceInventory? _inventory;
        private bool _driverFailed;

        [Parameter(ParameterSetName = FilterSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DeviceIndex", "Ordinal")]
        [ValidateRange(0, int.MaxValue)]
        public int[]? Index { get; set; }

        [Parameter(ParameterSetName = FilterSet)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DeviceNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        [Parameter(ParameterSetName = FilterSet, ValueFromPipelineByPropertyName = true)]
        [Alias("GpuUuid")]
        [ValidateNotNullOrEmpty]
        public string[]? Uuid { get; set; }

        /// <summary>Devices from an earlier Get-CudaDevice, read again (fresh temperature, memory, processes).</summary>
        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public CudaDevice[]? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (_driverFailed) return;
            if (_inventory == null && !TryEnumerate()) return;

            IEnumerable<CudaDevice> selected = SelectDevices(_inventory, Index, Uuid, InputObject);
            if (Name != null)
            {
                var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
                // PowerShell's convention: a literal name that matches nothing is an error; a wildcard is not.
                foreach (string literal in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)
                                                          && !_inventory.Devices.Any(d =>
                                                              string.Equals(d.Name, n, StringComparison.OrdinalIgnoreCase))))
                {
                    WriteFailure(DeviceSelectionException.ForName(literal), literal);
                }

                selected = selected.Where(d => patterns.Any(p => p.IsMatch(d.Name ?? string.Empty)));
            }

            foreach (CudaDevice device in selected)
            {
                WriteObject(device);
            }
        }

        [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_inventory))]
        private bool TryEnumerate()
        {
            _inventory = EnumerateDevices(writeWarnings: true);
            if (_inventory == null)
            {
                // The driver is unusable or shows no device: one error for the whole command, no objects.
                _driverFailed = true;
                return false;
            }

            if (_inventory.Devices.Count > 0)
                WriteVerbose(Messages.Format(Messages.DriverLoadedFrom, _inventory.Devices[0].DriverLibraryPath));
            DeviceNameCompleter.Remember(_inventory.Devices.Select(d => d.Name));
            return true;
        }
    }
}
