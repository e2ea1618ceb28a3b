using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Gathers a stream of samples (Get-GpuSample -Continuous: one per GPU each interval) into whole rounds, so a
    /// textfile written per round holds every GPU's latest sample. Writing per sample, as a ForEach-Object loop
    /// did, left each file with one GPU: on a two-GPU node each GPU was served half the time.
    /// A round is complete once every GPU seen so far has a newer sample; the first round (the GPUs are not yet
    /// known) ends when a GPU comes again.
    /// </summary>
    public sealed class SampleRounds
    {
        private readonly Dictionary<string, GpuSample> _latest = new Dictionary<string, GpuSample>();
        private readonly HashSet<string> _known = new HashSet<string>();
        private readonly HashSet<string> _sinceWrite = new HashSet<string>();

        /// <summary>The latest sample of each GPU of each host, in a stable order.</summary>
        public IReadOnlyList<GpuSample> Latest => _latest.Values.ToList();

        /// <summary>Whether no sample has come yet.</summary>
        public bool IsEmpty => _latest.Count == 0;

        /// <summary>
        /// Takes one sample; returns the snapshots to write now, oldest first (none while a round is under way;
        /// one when this sample completes a round or starts a new one after an incomplete first round).
        /// </summary>
        public IReadOnlyList<IReadOnlyList<GpuSample>> Add(GpuSample sample)
        {
            var due = new List<IReadOnlyList<GpuSample>>();
            string key = Key(sample);
            if (_sinceWrite.Contains(key))
            {
                // A GPU came again before the others: the round before it is over (first round, or a GPU gone quiet).
                due.Add(Latest);
                _known.UnionWith(_sinceWrite);
                _sinceWrite.Clear();
            }

            _latest[key] = sample;
            _sinceWrite.Add(key);
            if (_known.Count > 0 && _sinceWrite.IsSupersetOf(_known))
            {
                due.Add(Latest);
                _known.UnionWith(_sinceWrite);
                _sinceWrite.Clear();
            }

            return due;
        }

        /// <summary>Whether samples came since the last snapshot <see cref="Add"/> returned.</summary>
        public bool HasUnwritten => _sinceWrite.Count > 0;

        /// <summary>
        /// The series a sample belongs to: its host and its GPU (UUID, else index), and its GPU instance for a MIG
        /// device, as the exposition groups them.
        /// </summary>
        public static string Key(GpuSample sample) =>
            (sample.ComputerName ?? string.Empty) + "\n" + (sample.Uuid ?? "#" + sample.Index.ToString(CultureInfo.InvariantCulture))
            + (sample.GpuInstanceId.HasValue ? "\nGI" + sample.GpuInstanceId.Value.ToString(CultureInfo.InvariantCulture) : string.Empty);
    }
}
