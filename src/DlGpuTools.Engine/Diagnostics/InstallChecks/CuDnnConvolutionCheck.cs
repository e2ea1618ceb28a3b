using System;
using System.Collections.Generic;
using System.IO;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>
    /// A forward convolution through cuDNN on the first GPU, checked against the CPU. It is the operation that makes
    /// cuDNN 9 load its sub-libraries itself, by name, as in a user's program, so it proves what the file check saw.
    /// </summary>
    internal sealed class CuDnnConvolutionCheck : InstallCheckBase
    {
        public const string CheckId = "cudnn-convolution";

        public CuDnnConvolutionCheck()
            : base(CheckId, "cuDNN convolution on the GPU", "A forward convolution with FMA math on random inputs, checked against "
                + "the CPU and timed.",
                DriverCheck.CheckId, GpusCheck.CheckId, CuDnnCheck.CheckId, CuDnnSubLibrariesCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) =>
            context.Fact<WorkingDriver>() == null || VisibleGpus.In(context).Count == 0 || context.Fact<FoundCuDnn>() == null
                ? "Needs a visible GPU and cuDNN." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            // SkipReason runs it only with a working driver and a loaded cuDNN.
            CudaDriver driver = context.Fact<WorkingDriver>()!.Driver;
            FoundCuDnn cudnn = context.Fact<FoundCuDnn>()!;
            CuDnnSubLibraryFiles? files = context.Fact<CuDnnSubLibraryFiles>();
            IReadOnlyList<string> unopenable = files?.Unopenable ?? Array.Empty<string>();

            // cuDNN opens its sub-libraries itself, by name, at the first operation: a FIFO among them would block that
            // open for good (and Ctrl+C with it), so the check is not run and the sub-library check says why.
            if (unopenable.Count > 0)
                return Result(CheckStatus.Failed, "Not run: " + string.Join("; ", unopenable)
                    + ", which cuDNN's own loader would block on or fail to read.",
                    "Replace it with the library file from the cuDNN package (reinstall cuDNN).");
            int major = cudnn.Version?.Major ?? 9;
            try
            {
                using (var device = FunctionalChecks.DeviceScope.Enter(context.FirstGpuContext(), context.Port))
                {
                    FunctionalChecks.Outcome o = FunctionalChecks.Convolution(driver, device, cudnn.Library, context.Cancel);
                    return Functional(o, "cuDNN", FunctionalChecks.ConvolutionTolerance);
                }
            }
            catch (CuDnnException e) when (CuDnnStatusCodes.IsSubLibraryLoadingFailure(e.Status, major, e.ErrorText))
            {
                string folder = Path.GetDirectoryName(cudnn.Library.LibraryPath);
                string remedy = files == null || !files.Complete
                    ? "cuDNN's sub-libraries are incomplete or damaged (see that check): install the complete cuDNN package."
                    : context.Environment.IsWindows
                        ? $"The sub-libraries are in {folder} but cuDNN's own loader did not find them: it loads them by name, so "
                            + $"put {folder} on PATH "
                            + "(Python: os.add_dll_directory), then open a new PowerShell."
                        : $"The sub-libraries are in {folder} but cuDNN's own loader could not load them: check that their "
                            + $"dependencies load "
                            + $"(ldd {Path.Combine(folder, CuDnnSubLibraries.Names(major, false)[0])}) and that {folder} is on "
                                + $"LD_LIBRARY_PATH or in the ld.so cache.";
                return Result(CheckStatus.Failed, e.Message + ". cuDNN loaded its sub-libraries itself, as a program would (this "
                    + "module loads none of them), and failed.", remedy);
            }
            catch (CuDnnException e)
            {
                return Result(CheckStatus.Failed, e.Message, "Reinstall cuDNN for your CUDA major; check that its version suits the GPU.");
            }
        }
    }
}
