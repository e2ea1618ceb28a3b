using System;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using DlGpuTools.Health;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Whether this host's GPUs are fit to take jobs: one report per host with a verdict, an action and one line of
    /// reason, the host's checks and every GPU's. Quick: NVML and the driver only, about a second (the Xid watch).
    /// Standard: plus a GEMM stress on every GPU at once for -Duration seconds (default 60) with every result
    /// compared, clocks and power under load, and a short bandwidth and host-link run. Long: plus a memory pattern
    /// test. -Quiet writes only $true (healthy or degraded) or $false (unhealthy), for provisioning scripts;
    /// otherwise an unhealthy host also writes one error, so $? and -ErrorAction work as for Test-CuDnnInstall.
    /// Ctrl+C stops the stress between batches and frees all GPU memory.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "GpuHealth", DefaultParameterSetName = ReportSet)]
    [OutputType(typeof(GpuHealthReport), ParameterSetName = new[] { ReportSet })]
    [OutputType(typeof(bool), ParameterSetName = new[] { QuietSet })]
    public sealed class TestGpuHealthCommand : DlGpuCmdlet, IDisposable
    {
        private const string ReportSet = "Report";
        private const string QuietSet = "Quiet";
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();

        /// <summary>Quick (NVML only), Standard (plus the GEMM stress and link checks) or Long (plus the memory test).</summary>
        [Parameter(Position = 0)]
        public HealthLevel Level { get; set; } = HealthLevel.Quick;

        /// <summary>Seconds of GEMM stress at Standard and Long (and of memory test at Long); default 60 (Standard), 120 (Long).</summary>
        [Parameter]
        [ValidateFiniteRange(1, 86400)]
        public double Duration { get; set; }

        /// <summary>The stress GEMM's square size (default 8192); halved on a GPU whose free memory is short.</summary>
        [Parameter]
        [ValidateRange(64, 32768)]
        public int MatrixSize { get; set; } = 8192;

        /// <summary>Only these GPUs (CUDA indexes); default all.</summary>
        [Parameter]
        [ValidateRange(0, 1023)]
        public int[]? Index { get; set; }

        /// <summary>How many GPUs the host must have (the driver's count).</summary>
        [Parameter]
        [ValidateRange(0, 1024)]
        public int? ExpectedGpuCount { get; set; }

        /// <summary>The oldest acceptable driver, e.g. 570 or 570.86.15.</summary>
        [Parameter]
        [VersionTransformation]
        public Version? MinimumDriverVersion { get; set; }

        /// <summary>Seconds to listen for Xid events (counted from the start of the check).</summary>
        [Parameter]
        [ValidateFiniteRange(0, 600)]
        public double XidWatchSeconds { get; set; } = 1;

        /// <summary>Seconds NVML and the driver may take to answer for the host and for each GPU before it counts as hung.</summary>
        [Parameter]
        [ValidateFiniteRange(0.1, 600)]
        public double TimeoutSeconds { get; set; } = 10;

        [Parameter(ParameterSetName = QuietSet, Mandatory = true)]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing()
        {
            var request = new HealthRequest
            {
                ExpectedGpuCount = ExpectedGpuCount,
                MinimumDriverVersion = MinimumDriverVersion,
                XidWatch = TimeSpan.FromSeconds(XidWatchSeconds),
                CallTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                WantIndex = Index == null ? null : new Func<int, bool>(i => Array.IndexOf(Index, i) >= 0),
                Level = Level,
                Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) ? TimeSpan.FromSeconds(Duration) : HealthRequest.DefaultDuration(Level),
                MatrixSize = MatrixSize,
                Cancel = _cancel.Token,
                Progress = (phase, done) => ReportProgress("Test-GpuHealth", phase, (int)(100 * done)),
            };
            GpuHealthReport report;
            try
            {
                ReportProgress("Test-GpuHealth", "Reading NVML and watching for Xid events", 0);
                report = HealthChecker.Run(Runtime, request);
            }
            catch (OperationCanceledException)
            {
                CompleteProgress();
                return; // Ctrl+C: every GPU buffer was freed on the way out
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                CompleteProgress();
                if (Quiet) WriteObject(false);
                WriteFailure(e, null);
                return;
            }

            CompleteProgress();
            foreach (GpuHealthCheck check in report.Checks) WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0}{1}: {2}. {3}", check.Gpu is int g ? "GPU " + g.ToString(CultureInfo.InvariantCulture) + " " : string.Empty, check.Check, check.Status, check.Detail));
            bool usable = report.Verdict != nameof(HealthVerdict.Unhealthy);
            if (Quiet)
            {
                WriteObject(usable);
                return;
            }

            WriteObject(report);
            if (!usable)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(Messages.Format(Messages.GpuHealthFailed, report.Reason)), "GpuHealthCheckFailed", ErrorCategory.DeviceError, report.ComputerName)
                {
                    ErrorDetails = new ErrorDetails(Messages.Format(Messages.GpuHealthFailed, report.Reason)) { RecommendedAction = Messages.Format(Messages.GpuHealthRemedy, report.Action) },
                });
            }
        }

        protected override void StopProcessing() => _cancel.Cancel();

        public void Dispose() => _cancel.Dispose();
    }
}
