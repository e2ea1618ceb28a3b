using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Whether every NVLink the GPU has is up. The links expected are those NVML reports for the GPU (its link count,
    /// and a state for each link below it), as DCGM's NVLink health watch reads them; a link that is there and down
    /// fails, as in DCGM (DcgmHealthWatch.cpp, MonitorNVLinkStatus) and Azure's azure_gpu_nvlink.nhc (any inactive
    /// link fails the node). Get-GpuTopology's NV# counts only the links that are up, so it cannot name a missing one.
    /// </summary>
    internal sealed class NvLinkStateCheck : NvmlCheck
    {
        internal const string CheckName = "NVLink state";

        public override string Id => "nvlink_state";

        public override string Name => CheckName;

        public override string Description => "Every NVLink the GPU has is up.";

        protected override GpuHealthCheck Check(GpuContext context) => Judge(context.Gpu, NvLinkStates.Read(context.Nvml, context.Handle));

        internal static GpuHealthCheck Judge(int gpu, NvLinkStates states)
        {
            int present = states.Up.Count + states.Down.Count;
            if (present == 0)
            {
                return HealthRow.Make(gpu, CheckName, CheckStatus.Skipped,
                    $"No NVLink on this GPU as NVML reports it (no link state: {states.FirstRefusal}): a PCIe card without a bridge, or a "
                        + $"VM that does not expose the links.");
            }

            string counted = states.ReportedCount is uint count
                ? string.Format(CultureInfo.InvariantCulture, "of the {0} NVML counts", count)
                : string.Format(CultureInfo.InvariantCulture, "of {0} (NVML gives no link count here; every link id was asked)", present);
            if (states.Down.Count == 0)
                return HealthRow.Make(gpu, CheckName, CheckStatus.Passed, string.Format(CultureInfo.InvariantCulture,
                    "All {0} link(s) up, {1}.", states.Up.Count, counted));

            string down = List(states.Down);
            if (states.MigOn)
            {
                // NVML reports the links of a GPU in MIG mode as down; DCGM treats them as disabled there (its bug 200682374).
                return HealthRow.Make(gpu, CheckName, CheckStatus.Skipped,
                    $"MIG is on, and NVML reports NVLinks down in MIG mode whatever their real state: link(s) {down} down, "
                        + $"{states.Up.Count} up.");
            }

            return HealthRow.Make(gpu, CheckName, CheckStatus.Failed,
                string.Format(CultureInfo.InvariantCulture, "Link(s) {0} down, {1} up, {2}: traffic to peers runs on fewer links or fails.",
                    down, states.Up.Count, counted),
                "Drain the node; compare nvidia-smi nvlink -s. On NVSwitch systems check the fabric manager (systemctl status "
                    + "nvidia-fabricmanager). "
                + "A GPU reset or node reboot retrains the links; a link that stays down needs the board, bridge or baseboard serviced.",
                HealthAction.Drain);
        }

        internal static string List(IEnumerable<int> links) => string.Join(", ",
            links.Select(l => l.ToString(CultureInfo.InvariantCulture)));
    }
}
