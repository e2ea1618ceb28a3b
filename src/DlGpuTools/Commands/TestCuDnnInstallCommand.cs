using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Checks that the NVIDIA driver, CUDA runtime, cuBLAS and cuDNN are installed, compatible and really work.
    /// Writes one object per check and a verdict; -Quiet writes only $true or $false. A failed check is data,
    /// not an exception; without -Quiet the command also writes one error when any check failed, so $? is
    /// false and -ErrorAction Stop stops a provisioning script.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "CuDnnInstall", DefaultParameterSetName = ReportSet)]
    [OutputType(typeof(InstallCheck), ParameterSetName = new[] { ReportSet })]
    [OutputType(typeof(bool), ParameterSetName = new[] { QuietSet })]
    public sealed class TestCuDnnInstallCommand : DlGpuCmdlet
    {
        private const string ReportSet = "Report";
        private const string QuietSet = "Quiet";

        [Parameter(ParameterSetName = QuietSet, Mandatory = true)]
        public SwitchParameter Quiet { get; set; }

        [Parameter]
        [VersionTransformation]
        public Version? MinimumCudaVersion { get; set; }

        [Parameter]
        [VersionTransformation]
        public Version? MinimumCudnnVersion { get; set; }

        protected override void EndProcessing()
        {
            var checker = new InstallChecker(Runtime);
            var checks = new List<InstallCheck>();
            var options = new InstallCheckOptions { MinimumCudaVersion = MinimumCudaVersion, MinimumCudnnVersion = MinimumCudnnVersion };
            int total = InstallChecker.Plan().Count;
            int done = 0;
            try
            {
                foreach (InstallCheck check in checker.Run(options, Cancellation))
                {
                    checks.Add(check);
                    ReportProgress("Test-CuDnnInstall", check.Name ?? "checking", ++done * 100 / total);
                    WriteVerbose($"{check.Name}: {check.Status} ({check.DurationMs} ms). {check.Detail}");
                    if (!Quiet) WriteObject(check);
                }
            }
            catch (OperationCanceledException) when (StopRequested)
            {
                // Ctrl+C: the checker stopped between checks or inside a long one; PowerShell ends the pipeline.
                throw new PipelineStoppedException();
            }
            finally
            {
                CompleteProgress();
            }

            InstallCheck verdict = InstallChecker.Verdict(checks);
            bool ok = !verdict.IsFailed();
            if (Quiet)
            {
                WriteObject(ok);
                return;
            }

            WriteObject(verdict);
            if (!ok)
            {
                var failed = new InstallChecksFailedException(checks);
                WriteFailure(failed, failed.FailedChecks);
            }
        }
    }
}
