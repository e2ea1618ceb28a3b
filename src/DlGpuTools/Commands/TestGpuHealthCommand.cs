using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Devices;
using DlGpuTools.Health;
using DlGpuTools.Validation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Whether this host's GPUs are fit to take jobs: one report per host with a verdict, an action and one line of
    /// reason, the host's checks and every GPU's. Quick: NVML and the driver only, about a second (the Xid watch).
    /// Standard: plus a GEMM stress on every GPU at once for -Duration seconds (default 60) with every result
    /// compared, clocks and power under load, and a short bandwidth and host-link run. Long: plus a memory pattern
    /// test. Every check is registered by id (HealthChecks): -Check runs only those named (with the runs they need),
    /// -Skip leaves some out. GPUs are chosen as by every device command (-Index, -Uuid, piped devices; all by default), gathered
    /// from the whole pipeline into one report; one that does not exist is DeviceIndexNotFound or DeviceUuidNotFound
    /// and no report, since the host cannot be vouched for. -Quiet writes only $true (healthy or degraded) or $false
    /// (unhealthy, or no answer: a named GPU missing, no driver), with why as a warning, so a scheduler's script
    /// never stops on it; otherwise an unhealthy host also writes one error, so $? and -ErrorAction work as for
    /// Test-CuDnnInstall. Ctrl+C stops the stress between batches and frees all GPU memory.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "GpuHealth", DefaultParameterSetName = ReportSet)]
    [OutputType(typeof(GpuHealthReport), ParameterSetName = new[] { ReportSet })]
    [OutputType(typeof(bool), ParameterSetName = new[] { QuietSet })]
    public sealed class TestGpuHealthCommand : DeviceCmdlet
    {
        private const string ReportSet = "Report";
        private const string QuietSet = "Quiet";

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

        /// <summary>
        /// Only these checks (ids; Tab completes them), with the items they need; a check of a higher level raises
        /// -Level to it.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateRegisteredId(typeof(HealthChecks))]
        [ArgumentCompleter(typeof(HealthCheckCompleter))]
        public string[]? Check { get; set; }

        /// <summary>Checks to leave out (ids); a check that needs one of them says it was not run.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateRegisteredId(typeof(HealthChecks))]
        [ArgumentCompleter(typeof(HealthCheckCompleter))]
        public string[]? Skip { get; set; }

        [Parameter(ParameterSetName = QuietSet, Mandatory = true)]
        public SwitchParameter Quiet { get; set; }

        // Keys only: the engine lists the devices itself, under its time limit, so a hung GPU cannot hang the check.
        protected override void ProcessRecord() => CollectRequestedKeys();

        protected override void EndProcessing()
        {
            if (!AnyRecord)
            {
                // A filter upstream matched nothing: "every GPU is fine" would answer a question nobody asked.
                if (Quiet) NoAnswer(Messages.HealthNoDeviceInput);
                return;
            }

            var request = new HealthRequest
            {
                ExpectedGpuCount = ExpectedGpuCount,
                MinimumDriverVersion = MinimumDriverVersion,
                XidWatch = TimeSpan.FromSeconds(XidWatchSeconds),
                CallTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                Devices = CollectedKeys,
                Level = Level,
                Checks = Check,
                Skip = Skip,
                Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration))
                    ? TimeSpan.FromSeconds(Duration)
                    : HealthRequest.DefaultDuration(HealthChecks.LevelFor(Level, Check)),
                MatrixSize = MatrixSize,
                Cancel = Cancellation,
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
            catch (DeviceNotFoundException e)
            {
                CompleteProgress();
                if (Quiet) NoAnswer(string.Join(" ", DeviceSelectionException.ForMissing(e).Select(FailureMessage)));
                else WriteDevicesNotFound(e);
                return;
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                CompleteProgress();
                if (Quiet) NoAnswer(FailureMessage(e)); // the message says what was searched
                else WriteFailure(e, null);
                return;
            }

            CompleteProgress();
            foreach (GpuHealthCheck check in report.Checks)
            {
                string gpu = check.Gpu is int g ? "GPU " + g.ToString(CultureInfo.InvariantCulture) + " " : string.Empty;
                WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0}{1}: {2}. {3}", gpu, check.Check, check.Status, check.Detail));
            }
            bool usable = report.IsUsable();
            if (Quiet)
            {
                WriteObject(usable);
                return;
            }

            WriteObject(report);
            if (!usable) WriteFailure(new GpuHealthFailedException(report), report.ComputerName);
        }

        /// <summary>-Quiet's answer when there is none to give: $false, and why on the warning stream, not as an error.</summary>
        private void NoAnswer(string why)
        {
            WriteWarning(why);
            WriteObject(false);
        }
    }
}
