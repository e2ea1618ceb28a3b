using System;
using System.Linq;
using DlGpuTools.Collectives;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>
    /// NCCL, which multi-GPU training uses for its collectives, is found and loads (ncclGetVersion answers). It runs last:
    /// nothing before it needs NCCL, and what this process loads stays loaded. A single-GPU machine needs no NCCL, so
    /// none found is a warning only where there are GPUs to connect; a file found but refused fails, as for every library.
    /// </summary>
    internal sealed class NcclCheck : InstallCheckBase
    {
        public const string CheckId = "nccl";

        public NcclCheck()
            : base(CheckId, "NCCL", "NCCL 2 (libnccl.so.2), which multi-GPU training uses for collectives, is found and loads; its "
                + "version.", GpusCheck.CheckId)
        {
        }

        public override InstallCheck Run(InstallCheckContext context)
        {
            ProbeEnvironment environment = context.Environment;
            if (environment.IsWindows) return Skipped(NcclCandidates.WindowsHasNone);
            int gpus = VisibleGpus.In(context).Count;
            NcclLibrary nccl;
            try
            {
                nccl = context.Runtime.Nccl;
            }
            catch (NcclNotFoundException e) when (e.Search != null)
            {
                if (e.Search.Unloadable != null) return NotFound(e.Search, e.Remedy, windows: false);
                string detail = $"No NCCL was found. Only multi-GPU work needs it (PyTorch's pip wheels bring their own); {gpus} "
                    + $"GPU(s) are visible.";
                InstallCheck missing = gpus >= 2 ? Result(CheckStatus.Warning, detail, e.Remedy) : Skipped(detail);
                missing.Searched = Searched(e.Search.Attempts);
                return missing;
            }

            int code = nccl.VersionCode;
            Version? version = NcclLibrary.DecodeVersion(code);
            var check = Result(CheckStatus.Passed, $"NCCL {version} at {nccl.LibraryPath} (ncclGetVersion {code}).", null,
                nccl.LibraryPath, version?.ToString());
            check.Searched = Searched(nccl.Attempts);
            check.Data["NcclVersionCode"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ProbeAttempt loaded = nccl.Attempts.Last(a => a.Loaded);
            if (!loaded.FoundByLoaderSearch && !loaded.FromOverride)
                check.Detail += $" Found in {loaded.Origin}, where a program that loads libnccl.so.2 by name does not look; "
                    + $"frameworks that bring their own load that.";
            ShadowedByBrokenCopy(check, nccl, windows: false);
            if (version == null)
            {
                check.CheckStatus = CheckStatus.Warning;
                check.Detail = $"ncclGetVersion failed for {nccl.LibraryPath}.";
                check.Remedy = "Reinstall NCCL 2 (NVIDIA's libnccl2 package, or the nvidia-nccl wheel of your CUDA major).";
            }

            return check;
        }
    }
}
