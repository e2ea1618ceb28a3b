using System;
using System.Globalization;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>The cuDNN that loaded, and its version decoded from cudnnGetVersion.</summary>
    internal sealed class FoundCuDnn
    {
        public FoundCuDnn(CuDnnLibrary library, Version? version)
        {
            Library = library;
            Version = version;
        }

        public CuDnnLibrary Library { get; }

        public Version? Version { get; }
    }

    internal sealed class CuDnnCheck : ToolkitLibraryCheck<CuDnnLibrary>
    {
        public const string CheckId = "cudnn";

        public CuDnnCheck()
            : base(CheckId, "cuDNN", "cuDNN (libcudnn.so.9 or .8, cudnn64_9.dll or _8) is found and loads; its version against "
                + "-MinimumCudnnVersion.")
        {
        }

        protected override CuDnnLibrary Load(InstallCheckContext context) => context.Runtime.CuDnn;

        protected override string InstallRemedy(bool windows) => windows
            ? @"Install cuDNN 9 for your CUDA major (NVIDIA's cuDNN installer) and put the folder that holds cudnn64_9.dll "
                + @"(C:\Program Files\NVIDIA\CUDNN\v9.x\bin\<CUDA version>, with \x64 in newer releases) on PATH, which is "
                + @"where programs and this check look, or set $env:" + LibraryCandidates.CuDnnOverrideVariable + " to that DLL."
            : "Install cuDNN 9 for your CUDA major (Ubuntu, CUDA 13: sudo apt install libcudnn9-cuda-13), or set $env:"
                + LibraryCandidates.CuDnnOverrideVariable + " to a libcudnn.so.9.";

        protected override InstallCheck Examine(InstallCheckContext context, CuDnnLibrary library, out bool finished)
        {
            finished = false;
            Version? version = CuDnnLibrary.DecodeVersion(library.Version);
            context.Publish(new FoundCuDnn(library, version));
            var check = Result(CheckStatus.Passed, $"cuDNN {version} at {library.LibraryPath} (cudnnGetVersion {library.Version}).",
                null, library.LibraryPath, version?.ToString());
            check.Data["CudnnGetVersion"] = library.Version.ToString(CultureInfo.InvariantCulture);
            return check;
        }

        protected override void Judge(InstallCheckContext context, InstallCheck check)
        {
            Version? minimum = context.Options.MinimumCudnnVersion;
            Version? version = context.Fact<FoundCuDnn>()?.Version;
            if (minimum == null || !(version < minimum)) return;
            check.CheckStatus = CheckStatus.Failed;
            check.Detail += $" The minimum asked for is {minimum}.";
            check.Remedy = $"Install cuDNN {minimum} or newer for your CUDA major.";
        }
    }
}
