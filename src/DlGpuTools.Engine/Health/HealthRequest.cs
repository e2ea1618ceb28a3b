using System;
using System.Collections.Generic;
using DlGpuTools.Devices;

namespace DlGpuTools.Health
{
    /// <summary>What the caller expects of the host, and how long to listen for Xid events.</summary>
    public sealed class HealthRequest
    {
        /// <summary>GPUs the host should have (the driver's count); null: not checked.</summary>
        public int? ExpectedGpuCount { get; set; }

        /// <summary>The oldest driver the host may run; null: not checked.</summary>
        public Version? MinimumDriverVersion { get; set; }

        /// <summary>How long the Xid watch listens, counted from the start of the check.</summary>
        public TimeSpan XidWatch { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>
        /// How long NVML and the driver may take to answer for the host's list and for each GPU's checks before the GPU
        /// counts as hung.
        /// </summary>
        public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// The GPUs to check, by the rule every command shares (<see cref="DeviceSelector"/>); null: every GPU. A key
        /// that names no GPU stops the check before it starts (<see cref="DeviceNotFoundException"/>).
        /// </summary>
        public DeviceKeys? Devices { get; set; }

        public HealthLevel Level { get; set; } = HealthLevel.Quick;

        /// <summary>Standard and Long: how long the GEMM stress runs (and, at Long, the memory test).</summary>
        public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The stress GEMM's square size; smaller when a GPU's free memory is short.</summary>
        public long MatrixSize { get; set; } = 8192;

        /// <summary>How often NVML is sampled while the GPUs are under load.</summary>
        public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>Stops the stress and the memory test between batches.</summary>
        public System.Threading.CancellationToken Cancel { get; set; }

        /// <summary>Called on the caller's thread with the phase and the fraction of it done.</summary>
        public Action<string, double>? Progress { get; set; }

        /// <summary>
        /// Only these checks (registered ids, see <see cref="HealthChecks"/>), with the items they need; null or empty: every
        /// check of the level. Naming a check of a higher level raises the level to it.
        /// </summary>
        public IReadOnlyList<string>? Checks { get; set; }

        /// <summary>Checks left out by id; a check that needs one of them says it was not run.</summary>
        public IReadOnlyList<string>? Skip { get; set; }

        /// <summary>
        /// The seconds a level takes by default: Quick needs none, Standard a minute of stress, Long two minutes of
        /// stress and two of memory test.
        /// </summary>
        public static TimeSpan DefaultDuration(HealthLevel level) => TimeSpan.FromSeconds(level == HealthLevel.Long ? 120 : 60);
    }
}
