using System;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>The cuBLAS that loaded; published as soon as it loads, before a handle is tried.</summary>
    internal sealed class FoundCuBlas
    {
        public FoundCuBlas(CuBlasLibrary library)
        {
            Library = library;
        }

        public CuBlasLibrary Library { get; }
    }

    /// <summary>
    /// cuBLAS and cuBLASLt found, a handle created. It needs the convolution to have run: cuDNN 9 loads cuBLAS(Lt)
    /// itself, and a copy this module had already loaded by full path would satisfy that load by soname where a
    /// user's program finds none.
    /// </summary>
    internal sealed class CuBlasCheck : ToolkitLibraryCheck<CuBlasLibrary>
    {
        public const string CheckId = "cublas";

        public CuBlasCheck()
            : base(CheckId, "cuBLAS", "cuBLAS and cuBLASLt are found and load, a handle is created; the version against the CUDA "
                + "runtime's major.",
                DriverCheck.CheckId, GpusCheck.CheckId, CudaRuntimeCheck.CheckId, CuDnnConvolutionCheck.CheckId)
        {
        }

        protected override CuBlasLibrary Load(InstallCheckContext context) => context.Runtime.CuBlas;

        protected override string InstallRemedy(bool windows) =>
            "Install cuBLAS from the CUDA toolkit (Ubuntu: sudo apt install libcublas-13-0) or set $env:"
            + LibraryCandidates.CuBlasOverrideVariable + ".";

        protected override InstallCheck Examine(InstallCheckContext context, CuBlasLibrary library, out bool finished)
        {
            context.Publish(new FoundCuBlas(library));
            var check = Result(CheckStatus.Passed, null, null, library.LibraryPath);
            finished = context.Fact<WorkingDriver>() == null || VisibleGpus.In(context).Count == 0;
            if (finished)
            {
                check.Detail = $"cuBLAS at {library.LibraryPath}; no handle created (needs a GPU).";
                check.CheckStatus = CheckStatus.Warning;
                check.Remedy = "Fix the driver and GPU checks first.";
                return check;
            }

            using (FunctionalChecks.DeviceScope.Enter(context.FirstGpuContext(), context.Port))
            {
                library.ThrowIfFailed(library.cublasCreate(out IntPtr handle));
                try
                {
                    library.ThrowIfFailed(library.cublasGetVersion(handle, out int v));
                    check.Version = $"{v / 10000}.{v % 10000 / 100}.{v % 100}";
                }
                finally
                {
                    library.cublasDestroy(handle);
                }
            }

            string lt = string.Empty;
            try
            {
                CuBlasLt cublasLt = context.Runtime.CuBlasLt;
                lt = $" cuBLASLt {cublasLt.VersionText} at {cublasLt.LibraryPath}.";
            }
            catch (NativeLibraryNotFoundException)
            {
                check.CheckStatus = CheckStatus.Warning;
                check.Remedy = "cuBLASLt (libcublasLt) is missing beside cuBLAS: reinstall cuBLAS.";
            }

            check.Detail = $"cuBLAS {check.Version} at {library.LibraryPath}; a handle was created.{lt}";
            return check;
        }

        protected override void Judge(InstallCheckContext context, InstallCheck check)
        {
            Version? runtime = context.Fact<FoundCudaRuntime>()?.Version;
            if (runtime != null && check.Version != null && !check.Version.StartsWith(runtime.Major + ".", StringComparison.Ordinal))
            {
                check.CheckStatus = CheckStatus.Warning;
                check.Remedy = $"cuBLAS {check.Version} does not belong to CUDA {runtime.Major}.x: install the cuBLAS of your CUDA "
                    + $"toolkit.";
            }
        }
    }
}
