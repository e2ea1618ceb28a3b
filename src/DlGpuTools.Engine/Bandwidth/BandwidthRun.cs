using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Topology;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// What one test's <see cref="BandwidthTest.Run"/> works with: the sized request, the stream, buffers the session
    /// frees after the test (also when it fails or is cancelled), the copy-engine and SM-kernel operations over them,
    /// checks and theoretical figures. The measured GPU's context is current on the calling thread; a peer's buffers
    /// are allocated and prepared with the peer's context pushed. Nothing in it is shared between tests.
    /// </summary>
    internal sealed class BandwidthRun
    {
        private readonly List<IDisposable> _owned;

        internal BandwidthRun(BandwidthSession session, BandwidthSession? peer, BandwidthTest test, BandwidthRequest request, ulong bytes,
            List<IDisposable> owned, CancellationToken cancel, Action<BandwidthProgress> progress)
        {
            Session = session;
            PeerSession = peer;
            Test = test;
            Request = request;
            Bytes = bytes;
            // Peer tests start from another pattern, so a peer copy cannot pass on a single-GPU test's leftovers.
            SeedA = (uint)request.Seed * 2654435761u + (peer == null ? 1u : 5u);
            SeedB = SeedA * 7 + 3;
            _owned = owned;
            Stream = Own(owned, new OwnedStream(session.Port));
            Cancel = cancel;
            Progress = progress;
        }

        public BandwidthSession Session { get; }

        /// <summary>The other GPU of a peer test.</summary>
        public BandwidthSession Peer => PeerSession ?? throw new InvalidOperationException($"{Test.Id} is not a peer test.");

        public BandwidthSession? PeerSession { get; }

        public BandwidthTest Test { get; }

        public BandwidthRequest Request { get; }

        /// <summary>Bytes of each buffer, a multiple of 16.</summary>
        public ulong Bytes { get; }

        /// <summary>16-byte elements of each buffer.</summary>
        public ulong Elements => Bytes / 16;

        /// <summary>Two independent patterns, so a copy in one direction cannot pass for the other.</summary>
        public uint SeedA { get; }

        public uint SeedB { get; }

        public OwnedStream Stream { get; }

        /// <summary>Why the buffer is smaller than asked, when it is.</summary>
        public string? Note { get; internal set; }

        /// <summary>Where the host work was bound ("on the CPUs of NUMA node 0", ...), for host tests' Method.</summary>
        public string Placement { get; internal set; } = string.Empty;

        public CancellationToken Cancel { get; }

        public Action<BandwidthProgress> Progress { get; }

        /// <summary>The GPU's host link as read for the theoretical figure, copied into a host test's result.</summary>
        internal HostLink? Link { get; private set; }

        // Buffers ------------------------------------------------------------------------------------------------

        public DeviceMemory DeviceBuffer() => Own(_owned, Session.Allocate(Bytes));

        /// <summary>A buffer holding the pattern of <paramref name="seed"/>, written by the write kernel.</summary>
        public DeviceMemory Written(uint seed)
        {
            DeviceMemory buffer = DeviceBuffer();
            Session.LaunchWrite(buffer, Elements, seed, Stream.Stream);
            Stream.Synchronize();
            return buffer;
        }

        /// <summary>
        /// The read kernel's one 4-byte XOR per block, filled with 0xA5 so a block that wrote nothing spoils the check
        /// (the plan declares it with <see cref="BufferPlan.BlockSums"/>, so sizing counts it).
        /// </summary>
        public DeviceMemory BlockSums()
        {
            DeviceMemory sums = Own(_owned, Session.Allocate(Session.StrideBlocks * 4UL));
            Session.Fill(sums, 0xA5);
            return sums;
        }

        /// <summary>A zeroed buffer, so a copy that did not happen fails the check.</summary>
        public DeviceMemory Cleared()
        {
            DeviceMemory buffer = DeviceBuffer();
            Session.Clear(buffer);
            return buffer;
        }

        /// <summary>A buffer on the peer GPU, allocated and freed with the peer's context current.</summary>
        public DeviceMemory PeerBuffer()
        {
            using (Peer.Enter())
            {
                DeviceMemory buffer = Peer.Allocate(Bytes);
                Own(_owned, new InContext(Peer, buffer));
                return buffer;
            }
        }

        public DeviceMemory PeerWritten(uint seed)
        {
            DeviceMemory buffer = PeerBuffer();
            using (Peer.Enter()) Peer.LaunchWriteCurrent(buffer, Elements, seed);
            return buffer;
        }

        public DeviceMemory PeerCleared()
        {
            DeviceMemory buffer = PeerBuffer();
            using (Peer.Enter()) Peer.Clear(buffer);
            return buffer;
        }

        /// <summary>Host memory of the kind the test's <see cref="BufferPlan"/> declares.</summary>
        public HostBuffer HostBuffer()
        {
            switch (Test.Buffers.HostMemory)
            {
                case HostMemory.Pageable:
                    return Own(_owned, PageableHostBuffer.Allocate(Bytes));
                case HostMemory.PageLocked:
                    return Own(_owned, PinnedHostBuffer.Allocate(Session.Port, Bytes, mapped: false));
                case HostMemory.PageLockedMapped:
                    return Own(_owned, PinnedHostBuffer.Allocate(Session.Port, Bytes, mapped: true));
                default:
                    throw new InvalidOperationException($"{Test.Id} declares no host memory.");
            }
        }

        public HostBuffer HostFilled(uint seed)
        {
            HostBuffer buffer = HostBuffer();
            BandwidthPattern.Fill(buffer.Pointer, Bytes, seed);
            return buffer;
        }

        public HostBuffer HostCleared()
        {
            HostBuffer buffer = HostBuffer();
            buffer.Clear();
            return buffer;
        }

        /// <summary>Where the GPU's kernels reach a mapped host buffer (cuMemHostGetDevicePointer).</summary>
        public ulong MappedAddress(HostBuffer buffer)
        {
            if (!(buffer is PinnedHostBuffer pinned && pinned.Mapped) || Test.Buffers.HostMemory != HostMemory.PageLockedMapped)
                throw new InvalidOperationException($"{Test.Id}: only page-locked memory allocated mapped has a device address.");
            return Session.Port.MappedAddress(pinned.Pointer);
        }

        // Operations: what is timed, queued on the stream given ----------------------------------------------------

        public Action<PortStream> CopyEngineDeviceToDevice(DeviceMemory dst, DeviceMemory src) =>
            s => Session.Port.CopyOnDevice(dst.Pointer, src.Pointer, Bytes, s);

        public Action<PortStream> CopyEngineHostToDevice(DeviceMemory dst, HostBuffer src) =>
            s => Session.Port.CopyToDevice(dst.Pointer, src.Pointer, Bytes, s);

        public Action<PortStream> CopyEngineDeviceToHost(HostBuffer dst, DeviceMemory src) =>
            s => Session.Port.CopyToHost(dst.Pointer, src.Pointer, Bytes, s);

        /// <summary>The copy engine from this GPU's memory into the peer's.</summary>
        public Action<PortStream> CopyEngineToPeer(DeviceMemory remoteDst, DeviceMemory localSrc) =>
            s => Session.Port.CopyPeer(remoteDst.Pointer, Peer.Lease, localSrc.Pointer, Session.Lease, Bytes, s);

        /// <summary>The copy engine from the peer's memory into this GPU's.</summary>
        public Action<PortStream> CopyEngineFromPeer(DeviceMemory localDst, DeviceMemory remoteSrc) =>
            s => Session.Port.CopyPeer(localDst.Pointer, Session.Lease, remoteSrc.Pointer, Peer.Lease, Bytes, s);

        /// <summary>The one-element-per-thread copy kernel, for copies within the GPU's memory.</summary>
        public Action<PortStream> SmCopy(DeviceMemory dst, DeviceMemory src) => s => Session.LaunchCopy(dst, src, Elements, s);

        /// <summary>
        /// The pipelined grid-stride copy kernel (eight loads in flight a thread) between any two addresses this GPU's
        /// kernels reach, for copies over a link where each load waits long: a peer's memory, mapped host memory.
        /// </summary>
        public Action<PortStream> SmPipelinedCopy(ulong dst, ulong src) => s => Session.LaunchPipelinedCopy(dst, src, Elements, s);

        // Checks: the number of elements checked -------------------------------------------------------------------

        public Func<int> ExpectPattern(DeviceMemory buffer, uint seed) =>
            () => Session.VerifyDevice(Test.Id, buffer, Elements, Request, k => BandwidthPattern.Word(k, seed));

        public Func<int> ExpectPattern(HostBuffer buffer, uint seed) =>
            () => Session.VerifyHost(Test.Id, buffer, Elements, Request, k => BandwidthPattern.Word(k, seed));

        // Theoretical figures, read after the copies --------------------------------------------------------------

        public Func<Theoretical> DeviceMemoryTheoretical() => () => TheoreticalBandwidth.DeviceMemory(Session.Device);

        public Func<Theoretical> HostLinkTheoretical(int directions) =>
            () => (Link = Session.Machine.HostLink(Session.Device)).Theoretical(directions);

        public Func<Theoretical> PeerLinkTheoretical(int directions) => () => Session.PeerTheoretical(Peer, directions);

        // Descriptions ------------------------------------------------------------------------------------------

        /// <summary>The Method of a copy-engine host test, "HtoD" or "DtoH", with the memory and the CPU binding.</summary>
        public string HostCopyMethod(string direction)
        {
            if (Test.Buffers.HostMemory == HostMemory.Pageable)
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "cuMemcpy{0}Async from pageable (ordinary malloc memory, page-aligned; the driver stages it through its own "
                    + "page-locked buffers), not held back by the spin kernel (pageable copies return only once staged), so the host's "
                    + "staging time is in the figure; allocated and queued {1}",
                    direction, Placement);
            }

            return string.Format(CultureInfo.InvariantCulture,
                "cuMemcpy{0}Async with page-locked (cuMemHostAlloc) host memory, allocated and queued {1}", direction, Placement);
        }

        /// <summary>"GPU 0 -> GPU 1", for a peer test's BytesCounted.</summary>
        public string Pair => string.Format(CultureInfo.InvariantCulture, "GPU {0} -> GPU {1}", Session.Device.Index, Peer.Device.Index);

        public BandwidthResult Measure(BandwidthMeasurement measurement) => Session.Measure(this, measurement);

        /// <summary>Memory of another context, freed with that context entered on the freeing thread.</summary>
        private sealed class InContext : IDisposable
        {
            private readonly BandwidthSession _owner;
            private readonly IDisposable _memory;

            public InContext(BandwidthSession owner, IDisposable memory)
            {
                _owner = owner;
                _memory = memory;
            }

            public void Dispose()
            {
                using (_owner.Enter()) _memory.Dispose();
            }
        }
    }
}
