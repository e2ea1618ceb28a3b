using System;
using System.Collections.Generic;
using DlGpuTools.Devices;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    internal sealed class ComputeCapabilityCheck : InstallCheckBase
    {
        public const string CheckId = "compute-capability";

        public ComputeCapabilityCheck()
            : base(CheckId, "GPUs supported by CUDA and cuDNN",
                "Each GPU's compute capability against the oldest and newest the CUDA runtime and cuDNN found support.",
                GpusCheck.CheckId, CudaRuntimeCheck.CheckId, CuDnnCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) => VisibleGpus.In(context).Count == 0
            ? "Needs a visible GPU." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            CompatibilityTable compat = context.Compatibility;
            Version? cudart = context.Fact<FoundCudaRuntime>()?.Version;
            FoundCuDnn? cudnn = context.Fact<FoundCuDnn>();
            Version? cudnnVersion = cudnn?.Version;
            var problems = new List<string>();
            var facts = new List<string>();
            foreach (CudaDevice d in VisibleGpus.In(context))
            {
                double cc = d.ComputeCapabilityMajor + d.ComputeCapabilityMinor / 10.0;
                if (cudart != null && compat.MinimumComputeCapability("CUDA", cudart) is var cuda && cuda != null)
                {
                    if (cc < cuda.Value.MinCc) problems.Add($"GPU {d.Index} ({d.Name}, {d.ComputeCapability}) is older than CUDA "
                        + $"{cudart.Major} supports (>= {cuda.Value.MinCc:0.0}; {cuda.Value.Source})");
                    else facts.Add($"GPU {d.Index} {d.ComputeCapability} >= {cuda.Value.MinCc:0.0} for CUDA {cudart.Major}");
                }

                if (cudnnVersion != null && compat.MinimumComputeCapability("cuDNN", cudnnVersion) is var dnn && dnn != null)
                {
                    if (cc < dnn.Value.MinCc)
                        problems.Add($"GPU {d.Index} ({d.ComputeCapability}) is older than cuDNN "
                            + $"{cudnnVersion.Major}.{cudnnVersion.Minor} supports (>= {dnn.Value.MinCc:0.0}; {dnn.Value.Source})");
                    else facts.Add($"{d.ComputeCapability} >= {dnn.Value.MinCc:0.0} for cuDNN {cudnnVersion.Major}.{cudnnVersion.Minor}");
                    long? max = cudnn?.Library.MaxDeviceVersion;
                    if (max is long m && m > 0 && d.ComputeCapabilityMajor * 100 + d.ComputeCapabilityMinor * 10 > m)
                        problems.Add($"GPU {d.Index} ({d.ComputeCapability}) is newer than this cuDNN knows "
                            + $"(cudnnGetMaxDeviceVersion {m})");
                }
            }

            if (problems.Count == 0) return Result(CheckStatus.Passed, facts.Count == 0
                ? "No CUDA runtime or cuDNN to compare with." : string.Join("; ", facts) + ".");
            return Result(CheckStatus.Failed, string.Join("; ", problems) + ".",
                "Use a CUDA and cuDNN release that still supports this GPU (for Maxwell, Pascal and Volta: CUDA 12.x and cuDNN "
                    + "9.10 or older), "
                + "or a newer cuDNN for a GPU newer than it knows.");
        }
    }
}
