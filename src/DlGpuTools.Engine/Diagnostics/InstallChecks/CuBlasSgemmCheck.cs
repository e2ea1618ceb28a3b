using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>A 512x512x512 SGEMM through cuBLAS with pedantic math on the first GPU, checked against the CPU.</summary>
    internal sealed class CuBlasSgemmCheck : InstallCheckBase
    {
        public const string CheckId = "cublas-sgemm";

        public CuBlasSgemmCheck()
            : base(CheckId, "cuBLAS SGEMM on the GPU", "A strict-FP32 SGEMM on random inputs, checked against the CPU (fails on a "
                + "TF32-sized error) and timed.",
                DriverCheck.CheckId, GpusCheck.CheckId, CuBlasCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) =>
            context.Fact<WorkingDriver>() == null || VisibleGpus.In(context).Count == 0 || context.Fact<FoundCuBlas>() == null
                ? "Needs a visible GPU and cuBLAS." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            // SkipReason runs it only with a working driver and a loaded cuBLAS.
            CudaDriver driver = context.Fact<WorkingDriver>()!.Driver;
            CuBlasLibrary cublas = context.Fact<FoundCuBlas>()!.Library;
            using (var device = FunctionalChecks.DeviceScope.Enter(context.FirstGpuContext(), context.Port))
            {
                FunctionalChecks.Outcome o = FunctionalChecks.Sgemm(driver, device, cublas, 512, context.Cancel);
                InstallCheck check = InstallResults.Functional(o, "cuBLAS", FunctionalChecks.SgemmTolerance);
                if (check.CheckStatus == CheckStatus.Failed && o.RelativeError < 1e-2)
                {
                    // Close to right but not strict FP32: the signature of TF32 (or another reduced-precision path).
                    check.Detail += " That is the error of TF32 or another reduced-precision path, not of strict FP32 (about 1e-7 "
                        + "to 1e-6).";
                    check.Remedy = "cuBLAS computed FP32 SGEMM with reduced precision although pedantic math was asked: check "
                        + "NVIDIA_TF32_OVERRIDE and CUBLAS_* "
                        + "environment variables, and reinstall cuBLAS for your CUDA major.";
                }

                return check;
            }
        }
    }
}
