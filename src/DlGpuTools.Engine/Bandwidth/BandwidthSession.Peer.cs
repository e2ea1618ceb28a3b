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
        /// Runs one peer test from this GPU to <paramref name="peer"/>'s (a name from <see cref="BandwidthTests.Peer"/>).
        /// Peer access from this GPU to the peer is enabled for the test (and left on while the context lives); where the driver
        /// does not allow it the test is not run (<see cref="PeerAccessNotSupportedException"/>): a copy staged
        /// through host memory would not be a peer figure.
        /// </summary>
        public BandwidthResult RunPeer(string test, BandwidthSession peer, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress>? progress = null)
        {
            if (!BandwidthTests.IsPeerTest(test)) throw new ArgumentException($"There is no peer bandwidth test '{test}'.", nameof(test));
            if (peer == null || peer.Device.Index == Device.Index) throw new ArgumentException("A peer test needs two different GPUs.", nameof(peer));
            if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref peer._disposed) != 0) throw new ObjectDisposedException(nameof(BandwidthSession));
            progress = progress ?? (_ => { });
            _driver.ThrowIfFailed(_driver.cuDeviceCanAccessPeer(out bool can, Device.Index, peer.Device.Index));
            if (!can) throw new PeerAccessNotSupportedException(Device.Index, peer.Device.Index, "cuDeviceCanAccessPeer says no (Get-GpuTopology shows the path)");

            using (_context.Enter())
            {
                // Access stays enabled for the life of the module's context (destroyed with its last lease), so a
                // test in another runspace on the same pair finds it on ("already enabled") and nothing disables
                // it under that test.
                EnablePeerAccess(this, peer);
                // Both ways for the two-way copy-engine test: with access only from this GPU to the peer the
                // driver ran both copies one after the other (H100 pair: 397 GB/s for both, against 782 GB/s
                // with access both ways), which would not be a figure of the link in both directions.
                if (test == BandwidthTests.PeerBidirectionalCe)
                {
                    using (peer._context.Enter()) EnablePeerAccess(peer, this);
                }

                var owned = new List<IDisposable>();
                try
                {
                    return RunPeerIn(test, peer, request, cancel, progress, owned);
                }
                finally
                {
                    // Memory the peer owns is freed with the peer's context current (DeviceBuffer pushes it).
                    DisposeAll(owned);
                }
            }
        }

        private BandwidthResult RunPeerIn(string test, BandwidthSession peer, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress> progress, List<IDisposable> owned)
        {
            ulong bytes = (request.Bytes ?? BandwidthRequest.DefaultHostBytes) / 16 * 16;
            if (bytes == 0) throw new ArgumentOutOfRangeException(nameof(request), "The buffer size must be at least 16 bytes.");
            bool bothWays = test == BandwidthTests.PeerBidirectionalCe || test == BandwidthTests.PeerBidirectionalSm;
            // One buffer on each GPU, two for both ways (a source and a target on each side).
            int buffersEachSide = bothWays ? 2 : 1;
            CheckFits(this, bytes, buffersEachSide, request.Bytes != null, test);
            CheckFits(peer, bytes, buffersEachSide, request.Bytes != null, test);
            ulong n = bytes / 16;
            uint seedA = (uint)request.Seed * 2654435761u + 5, seedB = seedA * 7 + 3;
            CudaStream stream = Own(owned, CudaStream.Create(_driver));
            var op = new Operation { Test = test, EnergyDevices = new[] { Device, peer.Device } };
            int directions = bothWays ? 2 : 1;
            Func<Theoretical> theoretical = () => PeerTheoretical(peer, directions);
            string pair = string.Format(CultureInfo.InvariantCulture, "GPU {0} -> GPU {1}", Device.Index, peer.Device.Index);

            DeviceBuffer local = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
            DeviceBuffer remote;
            using (peer._context.Enter()) remote = Own(owned, DeviceBuffer.Allocate(_driver, peer._context, bytes));

            switch (test)
            {
                case BandwidthTests.PeerWriteCe:
                {
                    LaunchWrite(local, n, seedA, stream.Handle);
                    stream.Synchronize();
                    using (peer._context.Enter()) peer.Clear(remote);
                    op.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyPeerAsync(remote.DevicePointer, peer._context.Handle, local.DevicePointer, _context.Handle, bytes, s));
                    op.Verify = () => VerifyDevice(test, remote, n, request, k => BandwidthPattern.Word(k, seedA));
                    return WithPeer(Measure(op, request, bytes, bytes, bytes, "copied once, " + pair, "copy engine", theoretical,
                        "cuMemcpyPeerAsync on GPU " + Device.Index + "'s stream, peer access enabled (the copy engine writes into the peer's memory)", null, stream, null, cancel, progress), peer);
                }

                case BandwidthTests.PeerReadCe:
                {
                    using (peer._context.Enter())
                    {
                        peer.LaunchWriteCurrent(remote, n, seedA);
                    }

                    Clear(local);
                    op.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyPeerAsync(local.DevicePointer, _context.Handle, remote.DevicePointer, peer._context.Handle, bytes, s));
                    op.Verify = () => VerifyDevice(test, local, n, request, k => BandwidthPattern.Word(k, seedA));
                    return WithPeer(Measure(op, request, bytes, bytes, bytes, "copied once, GPU " + peer.Device.Index + "'s memory read into GPU " + Device.Index, "copy engine", theoretical,
                        "cuMemcpyPeerAsync on GPU " + Device.Index + "'s stream from the peer's memory into this GPU's, peer access enabled (nvbandwidth's read test: the copy is issued by the GPU that receives)", null, stream, null, cancel, progress), peer);
                }

                case BandwidthTests.PeerReadSm:
                {
                    using (peer._context.Enter())
                    {
                        peer.LaunchWriteCurrent(remote, n, seedA);
                    }

                    Clear(local);
                    op.Forward = s => LaunchPipelinedCopy(local, remote, n, s);
                    op.Verify = () => VerifyDevice(test, local, n, request, k => BandwidthPattern.Word(k, seedA));
                    return WithPeer(Measure(op, request, bytes, bytes, bytes, "copied once, GPU " + peer.Device.Index + "'s memory read into GPU " + Device.Index, "SM kernel", theoretical,
                        "dlgpu_copy_strided kernel on GPU " + Device.Index + " reading the peer's memory with 16-byte loads, eight in flight a thread, two 512-thread blocks an SM, peer access enabled", null, stream, null, cancel, progress), peer);
                }

                default:
                {
                    // Both directions at once from this GPU: one copy writes into the peer, another reads from it, so
                    // each direction of the link carries one copy (on two streams for the copy engines, in one launch
                    // for the SM kernel).
                    DeviceBuffer localBack = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    DeviceBuffer remoteSource;
                    using (peer._context.Enter())
                    {
                        remoteSource = Own(owned, DeviceBuffer.Allocate(_driver, peer._context, bytes));
                        peer.LaunchWriteCurrent(remoteSource, n, seedB);
                        peer.Clear(remote);
                    }

                    LaunchWrite(local, n, seedA, stream.Handle);
                    stream.Synchronize();
                    Clear(localBack);
                    op.Verify = () => VerifyDevice(test, remote, n, request, k => BandwidthPattern.Word(k, seedA)) + VerifyDevice(test, localBack, n, request, k => BandwidthPattern.Word(k, seedB));
                    if (test == BandwidthTests.PeerBidirectionalSm)
                    {
                        // One launch, both directions: even warps write into the peer, odd warps read from it.
                        op.Forward = s => LaunchPipelinedCopies(remote, local, localBack, remoteSource, n, s);
                        return WithPeer(Measure(op, request, bytes, 2 * bytes, 2 * bytes, "both directions added: one buffer each way per operation", "SM kernel", theoretical,
                            "dlgpu_copy_strided kernel on GPU " + Device.Index + " (eight loads in flight a thread, two 512-thread blocks an SM), its even warps writing into the peer's memory and its odd warps reading from it, in one launch; peer access enabled", null, stream, null, cancel, progress), peer);
                    }

                    CudaStream second = Own(owned, CudaStream.Create(_driver));
                    op.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyPeerAsync(remote.DevicePointer, peer._context.Handle, local.DevicePointer, _context.Handle, bytes, s));
                    op.Backward = s => _driver.ThrowIfFailed(_driver.cuMemcpyPeerAsync(localBack.DevicePointer, _context.Handle, remoteSource.DevicePointer, peer._context.Handle, bytes, s));
                    return WithPeer(Measure(op, request, bytes, 2 * bytes, 2 * bytes, "both directions added: one buffer each way per operation", "copy engine", theoretical,
                        "cuMemcpyPeerAsync both ways at once on two of GPU " + Device.Index + "'s streams, peer access enabled both ways; time from the common start to the later stream's end", null, stream, second, cancel, progress), peer);
                }
            }
        }

        // From's context is current on this thread.
        private static void EnablePeerAccess(BandwidthSession from, BandwidthSession to)
        {
            CudaResult enabled = from._driver.cuCtxEnablePeerAccess(to._context.Handle);
            if (enabled == CudaResult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED || enabled == CudaResult.CUDA_ERROR_NOT_SUPPORTED)
                throw new PeerAccessNotSupportedException(from.Device.Index, to.Device.Index, "cuCtxEnablePeerAccess returned " + enabled);
            if (enabled != CudaResult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) from._driver.ThrowIfFailed(enabled, "cuCtxEnablePeerAccess");
        }

        private static BandwidthResult WithPeer(BandwidthResult result, BandwidthSession peer)
        {
            result.PeerIndex = peer.Device.Index;
            return result;
        }

        // Runs the write kernel on this session's GPU, whose context the caller has made current.
        private void LaunchWriteCurrent(DeviceBuffer buffer, ulong n, uint seed)
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
                throw new BandwidthBufferTooLargeException($"{test} on GPU {session.Device.Index} ({buffers} buffer(s) of {bytes / 1048576.0:N0} MiB)", needed, free, asked ? null : "use a smaller -Size");
        }

        /// <summary>NVLink between the two GPUs where there is one (Get-GpuTopology's figure), else PCIe per direction.</summary>
        private Theoretical PeerTheoretical(BandwidthSession peer, int directions)
        {
            var warnings = new List<string>();
            GpuTopologyLink link = TopologyReader.Read(_runtime, new[] { Device, peer.Device }, warnings)
                .First(t => t.Index == Device.Index).Links.FirstOrDefault(l => l.PeerIndex == peer.Device.Index);
            if (link != null && link.NvLinkGBps is double nv)
                return new Theoretical(nv * directions, string.Format(CultureInfo.InvariantCulture, "NVLink: {0}{1}", link.Description, directions == 2 ? ", both directions" : string.Empty));
            Theoretical mine = HostLink.Read(_runtime, Device).Theoretical(directions);
            Theoretical theirs = HostLink.Read(_runtime, peer.Device).Theoretical(directions);
            Theoretical slower = theirs.GBps is double t && (mine.GBps == null || t < mine.GBps) ? theirs : mine;
            string path = link?.Path is string p && p != "?" ? $" (path {p})" : string.Empty;
            return new Theoretical(slower.GBps, slower.Basis + path, slower.Note);
        }
    }
}
