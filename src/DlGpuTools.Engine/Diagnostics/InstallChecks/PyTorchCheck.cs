using System;
using System.Collections.Generic;
using DlGpuTools.Devices;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>PyTorch read from its files (nothing is imported): its CUDA build and bundled cuDNN against this driver and these
    /// GPUs.</summary>
    internal sealed class PyTorchCheck : InstallCheckBase
    {
        public const string CheckId = "pytorch";

        public PyTorchCheck()
            : base(CheckId, "PyTorch", "PyTorch in the Python environments on PATH, read from its files: its CUDA build suits this "
                + "driver and these GPUs.",
                DriverCheck.CheckId, GpusCheck.CheckId)
        {
        }

        public override InstallCheck Run(InstallCheckContext context)
        {
            var torch = PythonEnvironments.FindTorch(PythonEnvironments.SitePackages(context.Environment));
            if (torch == null) return Skipped("No PyTorch found in the Python environments on PATH (checked without starting Python).");
            string where = $"PyTorch {torch.Version} in {torch.SitePackages}";
            if (torch.Problem != null)
                return Result(CheckStatus.Warning, $"PyTorch in {torch.SitePackages}: its torch/version.py was not read "
                    + $"({torch.Problem}), so the CUDA it was built for is unknown.",
                    "Reinstall PyTorch in that environment (pip install --force-reinstall torch with your CUDA index), or remove "
                        + "what replaced torch/version.py.");
            if (torch.Cuda == null)
                return Result(CheckStatus.Warning, where + " is a CPU-only build (torch.version.cuda is None): it will not use the "
                    + "GPU ('Torch not compiled with CUDA enabled').",
                    "Install a CUDA build of PyTorch (pip install torch --index-url <the CUDA index for your CUDA major>).");
            if (!Version.TryParse(torch.Cuda, out Version cuda))
                return Result(CheckStatus.Warning, $"{where} says it was built for CUDA '{torch.Cuda}', which is not a version.",
                    "Reinstall PyTorch in that environment.");
            var check = Result(CheckStatus.Passed, $"{where}, built for CUDA {torch.Cuda}"
                + (torch.BundledCudnn != null ? $", with its own cuDNN {torch.BundledCudnn} (pip)" : string.Empty) + ".",
                null, torch.SitePackages, torch.Version);
            check.Data["TorchCuda"] = torch.Cuda;
            if (torch.BundledCudnn != null) check.Data["TorchCudnn"] = torch.BundledCudnn;
            CompatibilityTable compat = context.Compatibility;
            var problems = new List<string>();
            WorkingDriver? driver = context.Fact<WorkingDriver>();
            if (driver != null)
            {
                int max = driver.Driver.DriverApiVersion;
                var driverMax = new Version(max / 1000, max % 1000 / 10);
                var minor = compat.MinorVersionMinimum(cuda.Major, context.Environment.IsWindows);
                bool minorOk = driverMax.Major == cuda.Major && minor != null && driver.Version != null
                    && CompatibilityTable.CompareDriverVersions(driver.Version, minor.Value.Driver) >= 0;
                if (driverMax < cuda && !minorOk) problems.Add($"the driver supports CUDA up to {driverMax}, older than this "
                    + $"build's {torch.Cuda}");
            }

            string flavor = "cu" + torch.Cuda.Replace(".", string.Empty);
            var arch = compat.PyTorchArchitectures(flavor);
            foreach (CudaDevice d in VisibleGpus.In(context))
            {
                double cc = d.ComputeCapabilityMajor + d.ComputeCapabilityMinor / 10.0;
                if (arch != null && (cc < arch.Value.Min || cc > arch.Value.Max))
                    problems.Add($"GPU {d.Index} ({d.ComputeCapability}) is outside the {flavor} wheels' range "
                        + $"{arch.Value.Min:0.0}-{arch.Value.Max:0.0} "
                        + $"('no kernel image is available for execution on the device'; {arch.Value.Source})");
            }

            if (problems.Count > 0)
            {
                check.CheckStatus = CheckStatus.Failed;
                check.Detail += " But " + string.Join("; ", problems) + ".";
                check.Remedy = "Install the PyTorch build for a CUDA your driver supports and that includes your GPU's "
                    + "architecture (see pytorch.org's install selector).";
            }
            else if (arch != null)
            {
                check.Detail += $" It suits this driver and the GPUs' compute capability ({flavor}: "
                    + $"{arch.Value.Min:0.0}-{arch.Value.Max:0.0}).";
            }

            return check;
        }
    }
}
