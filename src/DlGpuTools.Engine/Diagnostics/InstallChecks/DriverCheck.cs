using DlGpuTools.Devices;
using DlGpuTools.Errors;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>The driver library that loaded and initialised, and its version; published only when cuInit worked.</summary>
    internal sealed class WorkingDriver
    {
        public WorkingDriver(CudaDriver driver, string? version)
        {
            Driver = driver;
            Version = version;
        }

        public CudaDriver Driver { get; }

        /// <summary>The driver's own version (NVML, else the kernel module's); null when neither says.</summary>
        public string? Version { get; }
    }

    internal sealed class DriverCheck : InstallCheckBase
    {
        public const string CheckId = "driver";

        public DriverCheck()
            : base(CheckId, "NVIDIA driver", "The driver library loads and cuInit works; its version and the newest CUDA it supports.")
        {
        }

        public override InstallCheck Run(InstallCheckContext context)
        {
            ProbeEnvironment environment = context.Environment;
            CudaDriver driver;
            try
            {
                driver = context.Runtime.Driver;
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, LibraryFailureMeanings.DriverInstallRemedy(environment.IsWindows), environment.IsWindows);
            }

            CudaResult init = driver.cuInit();
            string? version = null;
            Nvml? nvml = context.Runtime.TryGetNvml(out _);
            if (nvml != null && nvml.nvmlSystemGetDriverVersion(out string? reported) == NvmlReturn.NVML_SUCCESS) version = reported;
            version = version ?? HostFacts.ReadLinuxKernelModuleVersion();
            string? cuda = Units.CudaVersionText(driver.DriverApiVersion);
            var check = Result(CheckStatus.Passed, $"Driver {version ?? "(version unknown)"} at {driver.LibraryPath}; it supports "
                + $"CUDA up to {cuda}.", null, driver.LibraryPath, version);
            check.Searched = Searched(driver.Attempts);
            check.Data["DriverVersion"] = version;
            check.Data["CudaDriverVersion"] = cuda;
            if (init != CudaResult.CUDA_SUCCESS && init != CudaResult.CUDA_ERROR_NO_DEVICE)
            {
                Failure? failure = FailureClassifier.Classify(driver.CreateException(init, "cuInit"), environment.IsWindows,
                    environment.GetVariable);
                check.CheckStatus = CheckStatus.Failed;
                check.Detail += " But " + (failure?.Message ?? $"cuInit returned {init}.");
                check.Remedy = failure?.RecommendedAction;
                return check;
            }

            context.Publish(new WorkingDriver(driver, version));
            return check;
        }
    }
}
