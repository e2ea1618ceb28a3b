using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Devices;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The base of the commands that work on chosen GPUs: the device parameters every such command takes, bound
    /// from Get-CudaDevice objects (live, deserialized or from JSON), and one enumeration per command.
    /// </summary>
    public abstract class DeviceCmdlet : DlGpuCmdlet
    {
        private readonly List<CudaDevice> _collected = new List<CudaDevice>();
        private DeviceInventory? _inventory;
        private bool _noDevices;
        private DeviceKeys? _keys;
        private bool _everyDevice;
        private bool _anyRecord;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("DeviceIndex", "Ordinal")]
        [ValidateRange(0, int.MaxValue)]
        public int[]? Index { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("GpuUuid")]
        public string[]? Uuid { get; set; }

        /// <summary>Devices from Get-CudaDevice; matched by UUID (see DeviceSelector).</summary>
        [Parameter(ValueFromPipeline = true)]
        public CudaDevice[]? InputObject { get; set; }

        /// <summary>
        /// The devices a record that names none asks for: null, every device. A command that answers for one device
        /// by default overrides it (and says why).
        /// </summary>
        protected virtual int[]? DefaultIndexes => null;

        /// <summary>Whether this record named devices (by -Index, -Uuid or a piped device), rather than leaving the default.</summary>
        protected bool DevicesNamed => Index != null || Uuid != null || InputObject != null;

        /// <summary>True once the driver was found unusable or without devices (the one error was written).</summary>
        protected bool NoDevices => _noDevices;

        /// <summary>Every device the driver lists, once a record has asked for some; null before that or without devices.</summary>
        protected DeviceInventory? Inventory => _inventory;

        /// <summary>
        /// What <see cref="CollectRequestedDevices"/> gathered from the whole pipeline, each device once, in index order.
        /// </summary>
        protected IReadOnlyList<CudaDevice> CollectedDevices => _collected.OrderBy(d => d.Index).ToList();

        /// <summary>
        /// Adds this record's devices to those of the records before it: for a command that answers for all of them
        /// together in EndProcessing (a topology, a health report).
        /// </summary>
        protected void CollectRequestedDevices()
        {
            foreach (CudaDevice device in RequestedDevices() ?? Enumerable.Empty<CudaDevice>())
            {
                if (_collected.All(d => d.Index != device.Index)) _collected.Add(device);
            }
        }

        /// <summary>
        /// The devices this pipeline record asks for (see <see cref="DeviceSelector"/>), or null when the driver is
        /// unusable or shows no device: then the one error that says why has been written, once per command.
        /// </summary>
        protected IReadOnlyList<CudaDevice>? RequestedDevices()
        {
            if (_noDevices) return null;
            if (_inventory == null)
            {
                _inventory = EnumerateDevices(writeWarnings: false);
                if (_inventory == null)
                {
                    _noDevices = true;
                    return null;
                }
            }

            return SelectDevices(_inventory, DevicesNamed ? Index : DefaultIndexes, Uuid, InputObject);
        }

        /// <summary>
        /// Adds this record's device keys to those of the records before it, without listing the devices: for a
        /// command that must look them up itself (Test-GpuHealth, under its time limit), by the same rule
        /// (<see cref="DeviceKeys"/>). A key that names no device comes back as a <see cref="DeviceNotFoundException"/>,
        /// which <see cref="DlGpuCmdlet.WriteDevicesNotFound"/> reports as every command does.
        /// </summary>
        protected void CollectRequestedKeys()
        {
            _anyRecord = true;
            DeviceKeys? keys = DeviceKeys.From(DevicesNamed ? Index : DefaultIndexes, Uuid, InputObject);
            if (keys == null) _everyDevice = true;
            else _keys = _keys == null ? keys : _keys.And(keys);
        }

        /// <summary>Whether any pipeline record arrived: none (an empty pipeline upstream) asks about no device at all.</summary>
        protected bool AnyRecord => _anyRecord;

        /// <summary>The keys <see cref="CollectRequestedKeys"/> gathered; null: every device (a record named none).</summary>
        protected DeviceKeys? CollectedKeys => _everyDevice ? null : _keys;
    }
}
