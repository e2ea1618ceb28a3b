using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// One GPU's NVLinks as NVML reports them: which links it has, which are up, and whether MIG is on (NVML reports
    /// every link down in MIG mode).
    /// </summary>
    internal sealed class NvLinkStates
    {
        public NvLinkStates(uint? reportedCount, IReadOnlyList<int> up, IReadOnlyList<int> down, NvmlReturn firstRefusal, bool migOn)
        {
            ReportedCount = reportedCount;
            Up = up;
            Down = down;
            FirstRefusal = firstRefusal;
            MigOn = migOn;
        }

        /// <summary>NVML_FI_DEV_NVLINK_LINK_COUNT where the driver answers it; null where every link id was probed instead.</summary>
        public uint? ReportedCount { get; }

        public IReadOnlyList<int> Up { get; }

        public IReadOnlyList<int> Down { get; }

        /// <summary>What NVML said for the first link it did not report (NOT_SUPPORTED on a GPU without NVLink).</summary>
        public NvmlReturn FirstRefusal { get; }

        public bool MigOn { get; }

        public IEnumerable<int> Present => Up.Concat(Down).OrderBy(l => l);

        /// <summary>
        /// As DCGM reads them: the link count from NVML_FI_DEV_NVLINK_LINK_COUNT, and the state of each link below it;
        /// a link whose state NVML does not report is not there (DCGM treats it as not supported). Where the driver has
        /// no link count, every id up to NVML_NVLINK_MAX_LINKS is asked.
        /// </summary>
        public static NvLinkStates Read(Nvml nvml, IntPtr handle)
        {
            uint? count = nvml.DeviceGetFieldUInt64(handle, NvmlHealthFieldId.NvLinkLinkCount, out ulong links)
                == NvmlReturn.NVML_SUCCESS && links > 0
                ? (uint)Math.Min(links, Nvml.MaxNvLinks) : (uint?)null;
            var up = new List<int>();
            var down = new List<int>();
            NvmlReturn refusal = NvmlReturn.NVML_SUCCESS;
            for (uint link = 0; link < (count ?? Nvml.MaxNvLinks); link++)
            {
                NvmlReturn r = nvml.nvmlDeviceGetNvLinkState(handle, link, out bool active);
                if (r == NvmlReturn.NVML_SUCCESS) (active ? up : down).Add((int)link);
                else if (refusal == NvmlReturn.NVML_SUCCESS) refusal = r;
                if (r == NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND) break;
            }

            bool mig = nvml.DeviceGetCurrentAndPending("nvmlDeviceGetMigMode", handle, out uint current, out _)
                == NvmlReturn.NVML_SUCCESS && current != 0;
            return new NvLinkStates(count, up, down, refusal, mig);
        }
    }

    /// <summary>One reading of a GPU's NVLink error counters, per link and kind, with the moment it was taken.</summary>
    internal sealed class NvLinkErrorCounts
    {
        /// <summary>The kinds read, in the order they are reported.</summary>
        internal static readonly NvmlNvLinkErrorCounter[] Kinds =
        {
            NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_REPLAY,
            NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_RECOVERY,
            NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_FLIT,
            NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_CRC_DATA,
            NvmlNvLinkErrorCounter.NVML_NVLINK_ERROR_DL_ECC_DATA,
        };

        public NvLinkErrorCounts(IReadOnlyDictionary<(int Link, NvmlNvLinkErrorCounter Kind), ulong> counts, long timestamp)
        {
            Counts = counts;
            Timestamp = timestamp;
        }

        /// <summary>The counters NVML keeps for this GPU; a kind it does not keep (ECC data before Ampere) is absent.</summary>
        public IReadOnlyDictionary<(int Link, NvmlNvLinkErrorCounter Kind), ulong> Counts { get; }

        /// <summary><see cref="Stopwatch.GetTimestamp"/> when the counters were read.</summary>
        public long Timestamp { get; }

        public ulong Total(NvmlNvLinkErrorCounter kind) => Counts.Where(c => c.Key.Kind == kind).Aggregate(0UL, (sum, c) => sum + c.Value);

        /// <summary>The counters of every link NVML reports a state for; null where the GPU has no NVLink or keeps no counters.</summary>
        public static NvLinkErrorCounts? Read(Nvml nvml, IntPtr handle)
        {
            NvLinkStates states = NvLinkStates.Read(nvml, handle);
            var counts = new Dictionary<(int, NvmlNvLinkErrorCounter), ulong>();
            foreach (int link in states.Present)
            {
                foreach (NvmlNvLinkErrorCounter kind in Kinds)
                {
                    if (nvml.nvmlDeviceGetNvLinkErrorCounter(handle, (uint)link, kind, out ulong value) == NvmlReturn.NVML_SUCCESS)
                        counts[(link, kind)] = value;
                }
            }

            return counts.Count == 0 ? null : new NvLinkErrorCounts(counts, Stopwatch.GetTimestamp());
        }
    }
}
