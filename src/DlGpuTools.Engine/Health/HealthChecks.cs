using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;
using DlGpuTools.Registration;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Every check and run of Test-GpuHealth, in the order the report lists their rows: the host's checks, each GPU's
    /// NVML checks, the load runs with the checks that judge them, and last the Xid watch, so that its events include
    /// the load's. This list is the only place that names them all: -Check and -Skip validation and completion,
    /// progress and the docs' table read it. Adding a check is one class and one line here.
    /// </summary>
    public static class HealthChecks
    {
        private static readonly Registry<HealthCheck> Items = new Registry<HealthCheck>("health check", ErrorCatalogue.UnknownHealthCheck,
            new HealthCheck[]
        {
            // The host, from the listing.
            new GpuCountCheck(),
            new GpuAnswersCheck(),
            new DriverVersionCheck(),

            // Each GPU through NVML (Quick): counters and settings, no CUDA context.
            new NvmlHandleCheck(),
            new EccErrorsCheck(),
            new MemoryRepairCheck(),
            new RecoveryActionCheck(),
            new PcieLinkCheck(),
            new PcieSlotCheck(),
            new PcieReplaysCheck(),
            new NvLinkStateCheck(),
            new NvLinkErrorsCheck(),
            new ClockSlowdownCheck(),
            new PowerLimitCheck(),
            new TemperatureCheck(),
            new PersistenceModeCheck(),
            new MigModeCheck(),
            new ProcessesCheck(),

            // Collectives over NCCL (Standard): after the NVML checks, which find a hung GPU first, and before the load.
            new CollectiveAllReduceCheck(),

            // The load (Standard): the GEMM stress and the checks of its results, then the memory and host-link screening.
            new GemmStressRun(),
            new GemmResultsCheck(),
            new GemmThroughputCheck(),
            new GemmPeersCheck(),
            new PeerResultsCheck(),
            new ClocksAndPowerCheck(),
            new EccUnderLoadCheck(),
            new LinkScreeningRun(),
            new MemoryBandwidthCheck(),
            new HostToDeviceCheck(),

            // The memory pattern test (Long).
            new MemoryPatternsRun(),
            new MemoryTestCheck(),
            new EccMemoryTestCheck(),

            // Last, so the events of everything above are in it.
            new XidWatchRun(),
            new XidEventsCheck(),
        });

        /// <summary>Ids and descriptions, for -Check and -Skip validation and completion.</summary>
        public static IRegistry Registry => Items;

        internal static Registry<HealthCheck> All => Items;

        /// <summary>The level a run needs: the one asked for, or higher when a named check belongs to a higher one.</summary>
        public static HealthLevel LevelFor(HealthLevel level, IEnumerable<string>? checks)
        {
            HealthLevel highest = level;
            foreach (string id in checks ?? Enumerable.Empty<string>())
            {
                HealthLevel of = Items.Get(id).Level;
                if (of > highest) highest = of;
            }

            return highest;
        }

        /// <summary>
        /// The items to run, in registry order: the named checks and, transitively, what they need (all when none are
        /// named), of the level or below, less the skipped ones. Unknown ids throw before anything runs.
        /// </summary>
        internal static IReadOnlyList<HealthCheck> Plan(HealthLevel level, IEnumerable<string>? checks, IEnumerable<string>? skip)
        {
            var named = (checks ?? Enumerable.Empty<string>()).ToList();
            var skipped = new HashSet<HealthCheck>((skip ?? Enumerable.Empty<string>()).Select(Items.Get));
            HealthLevel runs = LevelFor(level, named);
            var wanted = new HashSet<HealthCheck>();
            var queue = new Queue<HealthCheck>(named.Count == 0 ? Items.All : named.Select(Items.Get));
            while (queue.Count > 0)
            {
                HealthCheck item = queue.Dequeue();
                if (!wanted.Add(item)) continue;
                foreach (string need in item.Needs) queue.Enqueue(Items.Get(need));
            }

            return Items.All.Where(i => wanted.Contains(i) && !skipped.Contains(i) && i.Level <= runs).ToArray();
        }

        /// <summary>The ids a check needs that the plan left out (skipped), for its "not run" row.</summary>
        internal static string? MissingNeed(HealthCheck item, IReadOnlyCollection<HealthCheck> plan) =>
            item.Needs.FirstOrDefault(n => !plan.Any(p => string.Equals(p.Id, n, StringComparison.OrdinalIgnoreCase)));
    }
}
