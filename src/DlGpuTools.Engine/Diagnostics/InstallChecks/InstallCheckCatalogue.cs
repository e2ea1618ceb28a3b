using DlGpuTools.Errors;
using DlGpuTools.Registration;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>
    /// Every check of Test-CuDnnInstall, the one place that names them all. The runner, its progress, the docs test
    /// and the checks' ids in results read this list; adding a check is a new file and a line here.
    /// The declaration order is the run order wherever needs allow: cuDNN and its convolution come before cuBLAS, so
    /// cuDNN loads cuBLAS(Lt) itself as a program would (the cuBLAS check declares that need).
    /// </summary>
    public static class InstallCheckCatalogue
    {
        public static Registry<IInstallCheck> Registry { get; } = new Registry<IInstallCheck>("install check",
            ErrorCatalogue.UnknownInstallCheck,
            new IInstallCheck[]
        {
            new DriverCheck(),
            new GpusCheck(),
            new EnvironmentCheck(),
            new CudaRuntimeCheck(),
            new DriverForRuntimeCheck(),
            new CuDnnCheck(),
            new CuDnnCudaCheck(),
            new CuDnnSubLibrariesCheck(),
            new CuDnnConvolutionCheck(),
            new CuBlasCheck(),
            new LibraryCopiesCheck(),
            new ComputeCapabilityCheck(),
            new CuBlasSgemmCheck(),
            new PyTorchCheck(),
            new NcclCheck(),
        });
    }
}
