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

    internal sealed class CuDnnCheck : InstallCheckBase
    {
        public const string CheckId = "cudnn";

        public CuDnnCheck()
            : base(CheckId, "cuDNN", "cuDNN (libcudnn.so.9 or .8, cudnn64_9.dll or _8) is found and loads; its version against "
                + "-MinimumCudnnVersion.")
        {
        }

        public override InstallCheck Run(InstallCheckContext context)
        {
            bool windows = context.Environment.IsWindows;
            CuDnnLibrary cudnn;
            try
            {
                cudnn = context.Runtime.CuDnn;
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, windows
                    ? @"Install cuDNN 9 for your CUDA major (NVIDIA's cuDNN installer) and put the folder that holds cudnn64_9.dll "
                        + @"(C:\Program Files\NVIDIA\CUDNN\v9.x\bin\<CUDA version>, with \x64 in newer releases) on PATH, which is "
                            + @"where programs and "
                        + "this check look, or set $env:" + LibraryCandidates.CuDnnOverrideVariable + " to that DLL."
                    : "Install cuDNN 9 for your CUDA major (Ubuntu, CUDA 13: sudo apt install libcudnn9-cuda-13), or set $env:"
                        + LibraryCandidates.CuDnnOverrideVariable + " to a libcudnn.so.9.",
                    windows);
            }

            Version? version = CuDnnLibrary.DecodeVersion(cudnn.Version);
            context.Publish(new FoundCuDnn(cudnn, version));
            Version? minimum = context.Options.MinimumCudnnVersion;
            var check = Result(CheckStatus.Passed, $"cuDNN {version} at {cudnn.LibraryPath} (cudnnGetVersion {cudnn.Version}).",
                null, cudnn.LibraryPath, version?.ToString());
            check.Searched = Searched(cudnn.Attempts);
            check.Data["CudnnGetVersion"] = cudnn.Version.ToString(CultureInfo.InvariantCulture);
            ShadowedByBrokenCopy(check, cudnn, windows);
            if (minimum != null && version < minimum)
            {
                check.CheckStatus = CheckStatus.Failed;
                check.Detail += $" The minimum asked for is {minimum}.";
                check.Remedy = $"Install cuDNN {minimum} or newer for your CUDA major.";
            }

            return check;
        }
    }
}
