using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Devices;
using DlGpuTools.Topology;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// How the GPUs are connected: one object per GPU with its CPU/NUMA affinity and a link object per other GPU,
    /// or, with -AsMatrix, the nvidia-smi topo -m matrix as lines of text. A matrix is one string per row: a
    /// format view lays out one object per row and cannot pivot the links into columns, so the matrix is an
    /// explicit switch and the objects stay the default for scripts.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuTopology")]
    [OutputType(typeof(GpuTopology))]
    [OutputType(typeof(string))]
    public sealed class GetGpuTopologyCommand : DlGpuCmdlet
    {
        [Parameter]
        public SwitchParameter AsMatrix { get; set; }

        protected override void EndProcessing()
        {
            DeviceInventory? inventory = EnumerateDevices(writeWarnings: false);
            if (inventory == null) return;
            var warnings = new List<string>();
            IReadOnlyList<GpuTopology> gpus;
            try
            {
                gpus = TopologyReader.Read(Runtime, inventory.Devices, warnings);
            }
            catch (System.Exception e) when (IsKnownFailure(e))
            {
                WriteFailure(e, null);
                return;
            }

            foreach (string warning in warnings) WriteWarning(warning);
            if (AsMatrix)
            {
                foreach (string line in TopologyMatrix.Lines(gpus)) WriteObject(line);
            }
            else
            {
                foreach (GpuTopology gpu in gpus) WriteObject(gpu);
            }
        }
    }
}
