using System;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>The CUDA runtime that loaded, and its version (null when cudaRuntimeGetVersion failed).</summary>
    internal sealed class FoundCudaRuntime
    {
        public FoundCudaRuntime(CudaRuntimeLibrary library, Version? version)
        {
            Library = library;
            Version = version;
        }

        public CudaRuntimeLibrary Library { get; }

        public Version? Version { get; }
    }

    internal sealed class CudaRuntimeCheck : ToolkitLibraryCheck<CudaRuntimeLibrary>
    {
        public const string CheckId = "cuda-runtime";

        public CudaRuntimeCheck()
            : base(CheckId, "CUDA runtime", "The CUDA runtime (libcudart.so.N, cudart64_N.dll) is found and loads; its version "
                + "against -MinimumCudaVersion.")
        {
        }

        protected override CudaRuntimeLibrary Load(InstallCheckContext context) => context.Runtime.CudaRuntime;

        protected override string InstallRemedy(bool windows) => windows
            ? @"Install the CUDA toolkit (its installer's Program Files\NVIDIA GPU Computing Toolkit\CUDA\vX.Y\bin\x64 or "
                + @"\bin is searched), or put the folder that holds cudart64_<major>.dll on PATH, or set $env:"
                + LibraryCandidates.CudaRuntimeOverrideVariable
                + " to that DLL; frameworks installed with pip carry their own runtime and do not need it."
            : "Install the CUDA runtime (Ubuntu: sudo apt install cuda-cudart-13-0, or the whole toolkit), or set $env:"
                + LibraryCandidates.CudaRuntimeOverrideVariable + " to a libcudart.so.<major>.";

        protected override InstallCheck Examine(InstallCheckContext context, CudaRuntimeLibrary library, out bool finished)
        {
            finished = false;
            int encoded = library.RuntimeVersion();
            Version? version = encoded > 0 ? new Version(encoded / 1000, encoded % 1000 / 10) : null;
            context.Publish(new FoundCudaRuntime(library, version));
            return Result(CheckStatus.Passed, $"CUDA runtime {version} at {library.LibraryPath}.", null, library.LibraryPath,
                version?.ToString());
        }

        protected override void Judge(InstallCheckContext context, InstallCheck check)
        {
            FoundCudaRuntime found = context.Fact<FoundCudaRuntime>()!;
            Version? minimum = context.Options.MinimumCudaVersion;
            if (found.Version == null)
            {
                check.CheckStatus = CheckStatus.Failed;
                check.Detail = $"cudaRuntimeGetVersion failed for {found.Library.LibraryPath}.";
                check.Remedy = "Reinstall the CUDA runtime.";
            }
            else if (minimum != null && found.Version < minimum)
            {
                check.CheckStatus = CheckStatus.Failed;
                check.Detail += $" The minimum asked for is {minimum}.";
                check.Remedy = $"Install CUDA {minimum} or newer (and a driver that supports it).";
            }
        }
    }
}
