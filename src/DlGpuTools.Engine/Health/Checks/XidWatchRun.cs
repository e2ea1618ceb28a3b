using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Collects the Xid events NVML delivered since the watch opened at the start of the check, waiting until
    /// -XidWatchSeconds have passed. It is declared after every load run, so at Standard and Long the stress's events
    /// are in it too.
    /// </summary>
    internal sealed class XidWatchRun : FleetRun
    {
        internal const string RunId = "xid_watch";

        public override string Id => RunId;

        public override string Name => "Watching for Xid events";

        public override string Description => "Collects the Xid events NVML delivered while everything else ran (the Xid check judges "
            + "them).";

        public override bool NeedsAnsweringGpu => false;

        /// <summary>Each GPU's Xids, empty where none came (or where no watch could be opened: the check says so).</summary>
        public override IReadOnlyDictionary<int, object> Run(FleetContext context)
        {
            HealthContext run = context.Run;
            Dictionary<int, List<ulong>> seen = run.Watch?.Drain(run.Request.XidWatch) ?? new Dictionary<int, List<ulong>>();
            TimeSpan window = run.Elapsed > run.Request.XidWatch ? run.Elapsed : run.Request.XidWatch;
            return context.Devices.ToDictionary(d => d.Index,
                d => (object)new XidReading(seen.TryGetValue(d.Index, out List<ulong>? xids) ? xids : new List<ulong>(), window));
        }
    }

    /// <summary>The Xid events of one GPU over the watched window.</summary>
    internal sealed class XidReading
    {
        public XidReading(IReadOnlyList<ulong> xids, TimeSpan window)
        {
            Xids = xids;
            Window = window;
        }

        public IReadOnlyList<ulong> Xids { get; }

        public TimeSpan Window { get; }
    }
}
