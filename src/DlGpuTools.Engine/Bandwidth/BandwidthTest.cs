using System;
using System.Collections.Generic;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The base of every bandwidth test (one subclass a file, under Tests/, listed once in <see cref="BandwidthTests"/>):
    /// the test declares its id, description, path and buffers, and its <see cref="Run"/> allocates and prepares them
    /// through the <see cref="BandwidthRun"/> it is given, chooses the copy engine or an SM kernel for the operation,
    /// and has the run time, check and describe it. The session does everything around it: context, sizing, CPU
    /// binding, peer access, freeing.
    /// </summary>
    internal abstract class BandwidthTest : IBandwidthTest
    {
        protected BandwidthTest(string id, string description, BandwidthPath path, BufferPlan buffers)
        {
            Id = id;
            Description = description;
            Path = path;
            Buffers = buffers;
        }

        public string Id { get; }

        public string Description { get; }

        /// <summary>Bandwidth tests read no other test's result: each is measured on its own.</summary>
        public IReadOnlyList<string> Needs => Array.Empty<string>();

        public BandwidthPath Path { get; }

        public BufferPlan Buffers { get; }

        /// <summary>A peer test that copies both ways needs access enabled from each GPU to the other.</summary>
        public virtual bool PeerAccessBothWays => false;

        public bool AppliesTo(int gpuCount) => Path == BandwidthPath.Peer ? gpuCount >= 2 : gpuCount >= 1;

        /// <summary>Sets up the buffers and measures; everything it allocates through the run is freed by the session.</summary>
        internal abstract BandwidthResult Run(BandwidthRun run);

        public override string ToString() => Id;
    }
}
