using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.Interop;
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
            Action<BandwidthProgress>? progress = null)
        {
            BandwidthTest registered = BandwidthTests.Tests.Get(test);
            if (registered.Path != BandwidthPath.Peer)
                throw new ArgumentException($"There is no peer bandwidth test '{test}'.", nameof(test));
            if (peer == null || peer.Device.Index == Device.Index)
                throw new ArgumentException("A peer test needs two different GPUs.", nameof(peer));
            if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref peer._disposed) != 0)
                throw new ObjectDisposedException(nameof(BandwidthSession));
            progress = progress ?? (_ => { });
            _driver.ThrowIfFailed(_driver.cuDeviceCanAccessPeer(out bool can, Device.Index, peer.Device.Index));
            if (!can)
            {
                throw new PeerAccessNotSupportedException(
                    Device.Index, peer.Device.Index, "cuDeviceCanAccessPeer says no (Get-GpuTopology shows the path)");
            }

            using (_context.Enter())
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
                    using (peer._context.Enter()) EnablePeerAccess(peer, this);
                }

                var owned = new List<IDisposable>();
                try
                {
                    return RunPeerIn(registered, peer, request, cancel, progress, owned);
                }
                finally
                {
                    // Memory the peer owns is freed with the peer's context current (DeviceBuffer pushes it).
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
            CudaResult enabled = from._driver.cuCtxEnablePeerAccess(to._context.Handle);
            if (enabled == CudaResult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED || enabled == CudaResult.CUDA_ERROR_NOT_SUPPORTED)
                throw new PeerAccessNotSupportedException(from.Device.Index, to.Device.Index, "cuCtxEnablePeerAccess returned " + enabled);
            if (enabled != CudaResult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) from._driver.ThrowIfFailed(enabled, "cuCtxEnablePeerAccess");
        }

        // Runs the write kernel on this session's GPU, whose context the caller has made current.
        internal void LaunchWriteCurrent(DeviceBuffer buffer, ulong n, uint seed)
        {
            using (CudaStream stream = CudaStream.Create(_driver))
            {
                LaunchWrite(buffer, n, seed, stream.Handle);
                stream.Synchronize();
            }
        }

        private static void CheckFits(BandwidthSession session, ulong bytes, int buffers, bool asked, string test)
        {
            ulong free;
            using (session._context.Enter()) session._driver.ThrowIfFailed(session._driver.cuMemGetInfo(out free, out _));
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
            var warnings = new List<string>();
            GpuTopologyLink link = TopologyReader.Read(_runtime, new[] { Device, peer.Device }, warnings)
                .First(t => t.Index == Device.Index).Links.FirstOrDefault(l => l.PeerIndex == peer.Device.Index);
            if (link != null && link.NvLinkGBps is double nv)
            {
                string both = directions == 2 ? ", both directions" : string.Empty;
                string basis = string.Format(CultureInfo.InvariantCulture, "NVLink: {0}{1}", link.Description, both);
                return new Theoretical(nv * directions, basis);
            }
            Theoretical mine = HostLink.Read(_runtime, Device).Theoretical(directions);
            Theoretical theirs = HostLink.Read(_runtime, peer.Device).Theoretical(directions);
            Theoretical slower = theirs.GBps is double t && (mine.GBps == null || t < mine.GBps) ? theirs : mine;
            string path = link?.Path is string p && p != "?" ? $" (path {p})" : string.Empty;
            return new Theoretical(slower.GBps, slower.Basis + path, slower.Note);
        }
    }
}
