using System;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    internal sealed class CuDnnCudaCheck : InstallCheckBase
    {
        public const string CheckId = "cudnn-built-for-cuda";

        public CuDnnCudaCheck()
            : base(CheckId, "cuDNN built for this CUDA", "The CUDA major cuDNN was built for (cudnnGetCudartVersion) against the "
                + "runtime found.",
                CuDnnCheck.CheckId, CudaRuntimeCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) => context.Fact<FoundCuDnn>() == null ? "Needs cuDNN." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            long built = context.Fact<FoundCuDnn>()!.Library.CudartVersion; // SkipReason runs it only with cuDNN found
            Version? runtime = context.Fact<FoundCudaRuntime>()?.Version;
            var builtFor = new Version((int)(built / 1000), (int)(built % 1000 / 10));
            if (runtime == null)
                return Result(CheckStatus.Warning, $"cuDNN was built for CUDA {builtFor}; no CUDA runtime was found to compare "
                    + $"with.", "Install the CUDA runtime of that major.");
            if (builtFor.Major == runtime.Major)
                return Result(CheckStatus.Passed, $"cuDNN was built for CUDA {builtFor} (cudnnGetCudartVersion {built}); the "
                    + $"runtime found is {runtime}: same major.");
            return Result(CheckStatus.Failed, $"cuDNN was built for CUDA {builtFor} but the runtime found is {runtime}: a cuDNN "
                + $"for another CUDA major fails to load its kernels.",
                $"Install the cuDNN build for CUDA {runtime.Major} (Ubuntu: libcudnn9-cuda-{runtime.Major}) and remove the CUDA "
                    + $"{builtFor.Major} one from the search path.");
        }
    }
}
