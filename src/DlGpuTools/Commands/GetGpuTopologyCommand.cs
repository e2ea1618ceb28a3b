using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Devices;
using DlGpuTools.Topology;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// How the GPUs are connected: one object per GPU with its CPU/NUMA affinity and a link object per other GPU,
    /// or, with -AsMatrix, the nvidia-smi topo -m matrix as lines of text. A matrix is one string per row: a
    /// format view lays out one object per row and cannot pivot the links into columns, so the matrix is an
    /// explicit switch and the objects stay the default for scripts. GPUs are chosen as by every device command
    /// (-Index, -Uuid, piped devices; all by default); a chosen GPU's links still reach every other GPU.
    /// -Placement turns the topology into advice: per GPU the CPUs to bind to and the GPUs to run with.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuTopology", DefaultParameterSetName = LinksSet)]
    [OutputType(typeof(GpuTopology), ParameterSetName = new[] { LinksSet })]
    [OutputType(typeof(string), ParameterSetName = new[] { MatrixSet })]
    [OutputType(typeof(GpuPlacement), ParameterSetName = new[] { PlacementSet })]
    public sealed class GetGpuTopologyCommand : DeviceCmdlet
    {
        private const string LinksSet = "Links";
        private const string MatrixSet = "Matrix";
        private const string PlacementSet = "Placement";

        [Parameter(ParameterSetName = MatrixSet)]
        public SwitchParameter AsMatrix { get; set; }

        [Parameter(ParameterSetName = PlacementSet)]
        public SwitchParameter Placement { get; set; }

        protected override void ProcessRecord() => CollectRequestedDevices();

        protected override void EndProcessing()
        {
            IReadOnlyList<CudaDevice> chosen = CollectedDevices;
            if (!(Inventory is DeviceInventory inventory) || chosen.Count == 0) return;
            var warnings = new List<string>();
            IReadOnlyList<GpuTopology> gpus;
            try
            {
                // Every GPU is read, so the chosen ones' links reach the others too.
                gpus = TopologyReader.Read(Runtime, inventory.Devices, warnings);
            }
            catch (System.Exception e) when (IsKnownFailure(e))
            {
                WriteFailure(e, null);
                return;
            }

            foreach (string warning in warnings) WriteWarning(warning);
            if (Placement)
            {
                // Groups are found among every GPU; only the chosen ones are written.
                foreach (GpuPlacement p in PlacementAdvisor.Advise(gpus).Where(p => chosen.Any(d => d.Index == p.Index))) WriteObject(p);
                return;
            }

            gpus = gpus.Where(g => chosen.Any(d => d.Index == g.Index)).ToList();
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
