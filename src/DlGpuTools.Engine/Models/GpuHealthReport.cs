using System;

namespace DlGpuTools
{
    /// <summary>One health check of one GPU (or of the host, with no GPU index), like Test-CuDnnInstall's checks.</summary>
    public sealed class GpuHealthCheck
    {
        /// <summary>The GPU's CUDA index; empty for a check of the host (GPU count, driver version).</summary>
        public int? Gpu { get; set; }

        /// <summary>
        /// The registered id of the check that wrote the row (Test-GpuHealth -Check and -Skip take it; scripts match on it);
        /// empty for the run's own row when the driver did not answer at all.
        /// </summary>
        public string? Id { get; set; }

        public string Check { get; set; } = string.Empty;

        /// <summary>Passed, Warning, Failed or Skipped: the name of <see cref="CheckStatus"/> (see <see cref="EnumText"/>).</summary>
        public string Status { get => CheckStatus.ToString(); set => CheckStatus = EnumText.Parse<CheckStatus>(value, nameof(Status)); }

        /// <summary>How the check ended, which the verdict is folded from.</summary>
        internal CheckStatus CheckStatus { get; set; }

        /// <summary>What was read, in words, with the figures.</summary>
        public string Detail { get; set; } = string.Empty;

        /// <summary>How to fix it; empty when nothing is wrong.</summary>
        public string? Remedy { get; set; }

        /// <summary>None, Watch, Configure, Drain, ResetGpu, RebootNode or ReplaceGpu: the name of <see cref="HealthAction"/>.</summary>
        public string Action { get => HealthAction.ToString(); set => HealthAction = EnumText.Parse<HealthAction>(value, nameof(Action)); }

        internal HealthAction HealthAction { get; set; }

        public override string ToString() => $"{Check}: {Status}";
    }

    /// <summary>One GPU's verdict and the checks behind it.</summary>
    public sealed class GpuHealth : IEnergyFigures
    {
        public int Index { get; set; }

        public string? Name { get; set; }

        public string? Uuid { get; set; }

        public string? PciBusId { get; set; }

        /// <summary>Healthy, Degraded or Unhealthy: the name of <see cref="HealthVerdict"/>.</summary>
        public string Verdict
        {
            get => HealthVerdict.ToString();
            set => HealthVerdict = EnumText.Parse<HealthVerdict>(value, nameof(Verdict));
        }

        internal HealthVerdict HealthVerdict { get; set; }

        /// <summary>The most severe action of the GPU's checks: the name of <see cref="HealthAction"/>.</summary>
        public string Action { get => HealthAction.ToString(); set => HealthAction = EnumText.Parse<HealthAction>(value, nameof(Action)); }

        internal HealthAction HealthAction { get; set; }

        /// <summary>The first failed (else warned) check, in one line; empty when healthy.</summary>
        public string? Reason { get; set; }

        /// <summary>Standard and Long: the type the GEMM stress ran (BF16 where the GPU has it).</summary>
        public string? StressDataType { get; set; }

        /// <summary>Standard and Long: the stress's sustained throughput (median batch after the warm-up).</summary>
        public double? StressTflops { get; set; }

        /// <summary>StressTflops as a percentage of the card table's dense peak for the type.</summary>
        public double? StressPercentOfPeak { get; set; }

        /// <summary>Standard and Long: the median SM clock NVML read during the stress.</summary>
        public int? SmClockMHz { get; set; }

        /// <summary>Standard and Long: the median board power NVML read during the stress.</summary>
        public double? PowerW { get; set; }

        /// <summary>Standard and Long: the highest temperature NVML read during the stress.</summary>
        public int? MaxTemperatureC { get; set; }

        /// <summary>Long: the device memory the pattern test covered.</summary>
        public double? MemoryTestedGiB { get; set; }

        /// <summary>
        /// Board energy over the load levels (Standard and Long: GEMM stress, link checks, memory test), in joules; empty where
        /// there is no honest figure (<see cref="EnergyNote"/> says why).
        /// </summary>
        public double? EnergyJoules { get; set; }

        /// <summary>Wall-clock seconds of the energy window: from the GEMM stress's start to the last load check's end.</summary>
        public double? EnergySeconds { get; set; }

        /// <summary>EnergyJoules / EnergySeconds: the board's average power over the load levels.</summary>
        public double? AveragePowerW { get; set; }

        /// <summary>
        /// How far EnergyJoules may be off because NVML's counter moves in steps (one update's energy); empty when sampled.
        /// </summary>
        public double? EnergyUncertaintyJoules { get; set; }

        /// <summary>
        /// EnergyCounter (NVML's energy counter read before and after) or SampledPower (board power integrated), as text.
        /// </summary>
        public string? EnergyMethod { get; set; }

        /// <summary>How the energy was measured and how exact it is (the counter's update period), or why there is no figure.</summary>
        public string? EnergyNote { get; set; }

        public ReadableList<GpuHealthCheck> Checks { get; set; } = new ReadableList<GpuHealthCheck>();

        public override string ToString() => $"GPU {Index}: {Verdict}";
    }

    /// <summary>
    /// Test-GpuHealth's answer for one host: one verdict, one action and one line of reason (what a scheduler's
    /// health check prints), the host's checks and every GPU's. Over remoting, PSComputerName tells hosts apart.
    /// </summary>
    public sealed class GpuHealthReport
    {
        public string ComputerName { get; set; } = Environment.MachineName;

        /// <summary>
        /// Quick (NVML and the driver only), Standard (plus the GEMM stress and link checks) or Long (plus the memory
        /// test): the name of <see cref="HealthLevel"/>.
        /// </summary>
        public string Level { get => HealthLevel.ToString(); set => HealthLevel = EnumText.Parse<HealthLevel>(value, nameof(Level)); }

        internal HealthLevel HealthLevel { get; set; }

        /// <summary>
        /// Healthy, Degraded or Unhealthy: the name of <see cref="HealthVerdict"/>, text so that a fleet's reports sort,
        /// group and export by name in either PowerShell edition.
        /// </summary>
        public string Verdict
        {
            get => HealthVerdict.ToString();
            set => HealthVerdict = EnumText.Parse<HealthVerdict>(value, nameof(Verdict));
        }

        /// <summary>What the engine and Sync-SlurmNodeHealth decide by; <see cref="IsUsable"/> says it for the cmdlets.</summary>
        internal HealthVerdict HealthVerdict { get; set; }

        /// <summary>The most severe action of all checks: the name of <see cref="HealthAction"/>.</summary>
        public string Action { get => HealthAction.ToString(); set => HealthAction = EnumText.Parse<HealthAction>(value, nameof(Action)); }

        internal HealthAction HealthAction { get; set; }

        /// <summary>One line: the first failed (else warned) check with its GPU; empty when healthy.</summary>
        public string? Reason { get; set; }

        public int GpuCount { get; set; }

        public string? DriverVersion { get; set; }

        public double DurationSeconds { get; set; }

        public ReadableList<GpuHealth> Gpus { get; set; } = new ReadableList<GpuHealth>();

        /// <summary>Every check: the host's first, then each GPU's.</summary>
        public ReadableList<GpuHealthCheck> Checks { get; set; } = new ReadableList<GpuHealthCheck>();

        /// <summary>Whether the host may keep taking jobs (the verdict is not Unhealthy): Test-GpuHealth -Quiet's answer.</summary>
        public bool IsUsable() => HealthVerdict != HealthVerdict.Unhealthy;

        public override string ToString() => $"{ComputerName}: {Verdict}";
    }
}
