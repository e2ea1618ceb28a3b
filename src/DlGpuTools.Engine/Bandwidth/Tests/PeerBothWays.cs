using System;
using DlGpuTools.GpuWork;

namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// The four buffers of a both-ways peer test, shared by its copy-engine and SM forms: a source here whose pattern
    /// goes to a target on the peer, and a source on the peer whose other pattern comes back to a target here.
    /// </summary>
    internal sealed class PeerBothWays
    {
        private PeerBothWays(
            DeviceMemory localSource, DeviceMemory remoteTarget, DeviceMemory remoteSource, DeviceMemory localTarget, Func<int> verify)
        {
            LocalSource = localSource;
            RemoteTarget = remoteTarget;
            RemoteSource = remoteSource;
            LocalTarget = localTarget;
            Verify = verify;
        }

        public DeviceMemory LocalSource { get; }

        public DeviceMemory RemoteTarget { get; }

        public DeviceMemory RemoteSource { get; }

        public DeviceMemory LocalTarget { get; }

        /// <summary>Both targets checked: each direction must have carried its own pattern.</summary>
        public Func<int> Verify { get; }

        public static PeerBothWays Prepare(BandwidthRun run)
        {
            DeviceMemory localSource = run.Written(run.SeedA);
            DeviceMemory remoteTarget = run.PeerCleared();
            DeviceMemory remoteSource = run.PeerWritten(run.SeedB);
            DeviceMemory localTarget = run.Cleared();
            Func<int> there = run.ExpectPattern(remoteTarget, run.SeedA), back = run.ExpectPattern(localTarget, run.SeedB);
            return new PeerBothWays(localSource, remoteTarget, remoteSource, localTarget, () => there() + back());
        }
    }
}
