using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>The GPUs this process sees; published whenever the enumeration ran, empty when it found none.</summary>
    internal sealed class VisibleGpus
    {
        public VisibleGpus(IReadOnlyList<CudaDevice> devices)
        {
            Devices = devices;
        }

        public IReadOnlyList<CudaDevice> Devices { get; }

        /// <summary>The GPUs an earlier check found in this run; empty when none were found or the check did not run.</summary>
        public static IReadOnlyList<CudaDevice> In(InstallCheckContext context) => context.Fact<VisibleGpus>()?.Devices
            ?? Array.Empty<CudaDevice>();
    }

    internal sealed class GpusCheck : InstallCheckBase
    {
        public const string CheckId = "gpus";

        public GpusCheck()
            : base(CheckId, "GPUs", "The driver shows this process at least one GPU; each with its compute capability and memory.",
                DriverCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) => context.Fact<WorkingDriver>() == null
            ? "Needs a working NVIDIA driver." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            DeviceInventory inventory;
            try
            {
                inventory = DeviceEnumerator.Enumerate(context.Runtime);
            }
            catch (CudaException e) when (e.Result == CudaResult.CUDA_ERROR_NO_DEVICE)
            {
                inventory = new DeviceInventory(0, Array.Empty<CudaDevice>(), Array.Empty<DeviceFailure>(), Array.Empty<string>());
            }

            IReadOnlyList<CudaDevice> devices = inventory.Devices;
            context.Publish(new VisibleGpus(devices));
            if (devices.Count == 0)
            {
                string? visible = context.Environment.GetVariable("CUDA_VISIBLE_DEVICES");
                return Result(CheckStatus.Failed, "The driver shows no GPU to this process"
                    + (visible != null ? $" (CUDA_VISIBLE_DEVICES is '{visible}')." : "."),
                    visible != null
                        ? "Unset CUDA_VISIBLE_DEVICES or set it to a GPU that nvidia-smi -L lists."
                        : "Check that nvidia-smi lists a GPU; in a container, pass the GPUs in (docker run --gpus all).");
            }

            var check = Result(CheckStatus.Passed, string.Join("; ", devices.Select(d =>
                $"GPU {d.Index}: {d.Name}, compute capability {d.ComputeCapability}, {d.TotalMemory / 1073741824.0:0.0} GiB")) + ".");
            check.Data["Count"] = devices.Count.ToString(CultureInfo.InvariantCulture);
            return check;
        }
    }
}
