using System;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    internal sealed class DriverForRuntimeCheck : InstallCheckBase
    {
        public const string CheckId = "driver-supports-runtime";

        public DriverForRuntimeCheck()
            : base(CheckId, "Driver supports the CUDA runtime",
                "The driver's newest CUDA against the runtime's, by the minimum-driver and minor-version compatibility tables.",
                DriverCheck.CheckId, CudaRuntimeCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) =>
            context.Fact<WorkingDriver>() == null || context.Fact<FoundCudaRuntime>()?.Version == null
                ? "Needs the driver and the CUDA runtime." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            // SkipReason lets the check run only when both facts are there, with the runtime's version known.
            WorkingDriver driver = context.Fact<WorkingDriver>()!;
            Version runtime = context.Fact<FoundCudaRuntime>()!.Version!;
            bool windows = context.Environment.IsWindows;
            CompatibilityTable compat = context.Compatibility;
            int driverMax = driver.Driver.DriverApiVersion;
            var driverMaxVersion = new Version(driverMax / 1000, driverMax % 1000 / 10);
            var full = compat.MinimumDriver(runtime.Major, runtime.Minor, windows);
            string needs = full != null ? $"CUDA {runtime} needs driver {full.Value.Driver} or newer for full support "
                + $"({full.Value.Source})." : string.Empty;
            if (driverMaxVersion >= runtime)
                return Result(CheckStatus.Passed, ($"The driver supports CUDA up to {driverMaxVersion}; the runtime is {runtime}. "
                    + needs).Trim());
            var minor = compat.MinorVersionMinimum(runtime.Major, windows);
            if (driverMaxVersion.Major == runtime.Major && minor != null && driver.Version != null
                && CompatibilityTable.CompareDriverVersions(driver.Version, minor.Value.Driver) >= 0)
            {
                return Result(CheckStatus.Warning,
                    $"The driver supports CUDA up to {driverMaxVersion}, older than the runtime {runtime}: it runs under CUDA "
                        + $"minor-version compatibility "
                    + $"(driver {driver.Version} >= {minor.Value.Driver} for CUDA {runtime.Major}.x; {minor.Value.Source}). "
                    + $"Newer PTX cannot be JIT-compiled and new features need a newer driver. {needs}",
                    full != null ? $"Update the driver to {full.Value.Driver} or newer for full CUDA {runtime} support."
                        : "Update the driver to the branch of this CUDA release.");
            }

            return Result(CheckStatus.Failed,
                $"The driver supports CUDA up to {driverMaxVersion} but the runtime is {runtime}: programs fail with 'CUDA driver "
                    + $"version is insufficient for CUDA runtime version'. {needs}",
                full != null
                    ? $"Install NVIDIA driver {full.Value.Driver} or newer, or use a CUDA {driverMaxVersion.Major}.x build of your "
                        + $"framework."
                    : $"Install a driver that supports CUDA {runtime}.");
        }
    }
}
