using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.GpuWork;
using DlGpuTools.Topology;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Bandwidth
{
    /// <summary>Copies between this session's GPU and another's, over NVLink or PCIe peer-to-peer.</summary>
    public sealed partial class BandwidthSession
    {
        /// <summary>
        /// Runs one peer test (a registered id whose path is <see cref="BandwidthPath.Peer"/>) from this GPU to <paramref name="peer"/>'s.
        /// Peer access from this GPU to the peer is enabled for the test (and left on while the context lives); where the driver
        /// does not allow it the test is not run (<see cref="PeerAccessNotSupportedException"/>): a copy staged
        /// through host memory would not be a peer figure.
        /// </summary>
        public BandwidthResult RunPeer(
            string test, BandwidthSession peer, BandwidthRequest request, CancellationToken cancel,
            Action<BandwidthProgress>? progress = null) =>
            RunPeer(BandwidthTests.Tests.Get(test), peer, request, cancel, progress);

        /// <summary>Runs one peer test given as an instance (the registry's, or an engine test's own).</summary>
        internal BandwidthResult RunPeer(
            BandwidthTest registered, BandwidthSession peer, BandwidthRequest request, CancellationToken cancel,
            Action<BandwidthProgress>? progress = null)
        {
            if (registered.Path != BandwidthPath.Peer)
                throw new ArgumentException($"There is no peer bandwidth test '{registered.Id}'.", nameof(registered));
            if (peer == null || peer.Device.Index == Device.Index)
                throw new ArgumentException("A peer test needs two different GPUs.", nameof(peer));
            if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref peer._disposed) != 0)
                throw new ObjectDisposedException(nameof(BandwidthSession));
            progress = progress ?? (_ => { });
            if (!_port.CanAccessPeer(Device.Index, peer.Device.Index))
            {
                throw new PeerAccessNotSupportedException(
                    Device.Index, peer.Device.Index, "cuDeviceCanAccessPeer says no (Get-GpuTopology shows the path)");
            }

            using (_lease.Enter())
            {
                // Access stays enabled for the life of the module's context (destroyed with its last lease), so a
                // test in another runspace on the same pair finds it on ("already enabled") and nothing disables
                // it under that test.
                EnablePeerAccess(this, peer);
                // Both ways for the two-way copy-engine test: with access only from this GPU to the peer the
                // driver ran both copies one after the other (H100 pair: 397 GB/s for both, against 782 GB/s
                // with access both ways), which would not be a figure of the link in both directions.
                if (registered.PeerAccessBothWays)
                {
                    using (peer._lease.Enter()) EnablePeerAccess(peer, this);
                }

                var owned = new List<IDisposable>();
                try
                {
                    return RunPeerIn(registered, peer, request, cancel, progress, owned);
                }
                finally
                {
                    // Memory the peer owns is freed with the peer's context current (BandwidthRun.PeerBuffer enters it).
                    DisposeAll(owned);
                }
            }
        }

        private BandwidthResult RunPeerIn(
            BandwidthTest test, BandwidthSession peer, BandwidthRequest request, CancellationToken cancel,
            Action<BandwidthProgress> progress, List<IDisposable> owned)
        {
            ulong bytes = (request.Bytes ?? BandwidthRequest.DefaultHostBytes) / 16 * 16;
            if (bytes == 0) throw new ArgumentOutOfRangeException(nameof(request), "The buffer size must be at least 16 bytes.");
            // The plan's device buffers are on each side: a source or a target, two of them for both ways.
            int buffersEachSide = test.Buffers.DeviceBuffers;
            CheckFits(this, bytes, buffersEachSide, request.Bytes != null, test.Id);
            CheckFits(peer, bytes, buffersEachSide, request.Bytes != null, test.Id);
            return test.Run(new BandwidthRun(this, peer, test, request, bytes, owned, cancel, progress));
        }

        // From's context is current on this thread.
        private static void EnablePeerAccess(BandwidthSession from, BandwidthSession to)
        {
            if (!from._port.EnablePeerAccess(to._lease))
            {
                throw new PeerAccessNotSupportedException(
                    from.Device.Index, to.Device.Index, "cuCtxEnablePeerAccess says the driver does not support it");
            }
        }

        // Runs the write kernel on this session's GPU, whose context the caller has made current.
        internal void LaunchWriteCurrent(DeviceMemory buffer, ulong n, uint seed)
        {
            using (var stream = new OwnedStream(_port))
            {
                LaunchWrite(buffer, n, seed, stream.Stream);
                stream.Synchronize();
            }
        }

        private static void CheckFits(BandwidthSession session, ulong bytes, int buffers, bool asked, string test)
        {
            ulong free;
            using (session._lease.Enter()) free = session._port.MemoryInfo().Free;
            ulong needed = bytes * (ulong)buffers;
            if (needed > (ulong)(free * 0.9))
            {
                string what = $"{test} on GPU {session.Device.Index} ({buffers} buffer(s) of {bytes / 1048576.0:N0} MiB)";
                throw new BandwidthBufferTooLargeException(what, needed, free, asked ? null : "use a smaller -Size");
            }
        }

        /// <summary>NVLink between the two GPUs where there is one (Get-GpuTopology's figure), else PCIe per direction.</summary>
        internal Theoretical PeerTheoretical(BandwidthSession peer, int directions)
        {
            GpuTopologyLink? link = _machine.PeerLink(Device, peer.Device);
            if (link != null && link.NvLinkGBps is double nv)
            {
                string both = directions == 2 ? ", both directions" : string.Empty;
                string basis = string.Format(CultureInfo.InvariantCulture, "NVLink: {0}{1}", link.Description, both);
                return new Theoretical(nv * directions, basis);
            }
            Theoretical mine = _machine.HostLink(Device).Theoretical(directions);
            Theoretical theirs = _machine.HostLink(peer.Device).Theoretical(directions);
            Theoretical slower = theirs.GBps is double t && (mine.GBps == null || t < mine.GBps) ? theirs : mine;
            string path = link?.Path is string p && p != "?" ? $" (path {p})" : string.Empty;
            return new Theoretical(slower.GBps, slower.Basis + path, slower.Note);
        }
    }
}
