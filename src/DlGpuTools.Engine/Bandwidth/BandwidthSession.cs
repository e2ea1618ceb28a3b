using System;
using System.Collections.Generic;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// Bandwidth measurements on one GPU: holds a lease on the module's context of it, the kernels loaded into it and
    /// the spin gate, from <see cref="Open(GpuRuntime, CudaDevice)"/> to <see cref="Dispose"/>. All GPU work goes through
    /// the <see cref="IGpuPort"/> and all facts of the machine around it through <see cref="IGpuSurroundings"/>, so the
    /// engine's tests run every bandwidth test in process on a managed fake. Each test allocates its buffers, times
    /// batches of operations held back by the spin kernel until all are queued (CUDA events around the batch,
    /// median of the batches), checks the data after the copies, and frees everything before it returns, also
    /// when it fails or is cancelled. Every call enters the context on the calling thread and leaves it there.
    /// </summary>
    public sealed partial class BandwidthSession : IDisposable
    {
        // Write, copy and triad: one element per thread, 128 threads a block, as many blocks as the buffer needs.
        private const uint ElementThreadsPerBlock = 128;

        // The grid-stride read kernel: 1024-thread blocks, as many as fit on the GPU at once (it leaves one XOR per block).
        private const int StridedThreadsPerBlock = 1024;

        // The pipelined grid-stride copy (peer tests): 512-thread blocks, two per SM, as its PTX's .maxntid and
        // .minnctapersm promise ptxas; every SM from Maxwell on holds at least 1024 threads, so all blocks are resident at once.
        private const uint PipelinedCopyThreadsPerBlock = 512;
        private const int PipelinedCopyBlocksPerSm = 2;

        private readonly IGpuPort _port;
        private readonly IGpuSurroundings _machine;
        private readonly IPortLease _lease;
        private readonly BandwidthModule _module;
        private readonly SpinGate _gate;
        private readonly uint _strideBlocks;
        private readonly uint _pipelinedCopyBlocks;
        private int _disposed;

        private BandwidthSession(
            IGpuPort port, IGpuSurroundings machine, CudaDevice device, IPortLease lease, BandwidthModule module, SpinGate gate,
            uint strideBlocks)
        {
            _port = port;
            _machine = machine;
            Device = device;
            _lease = lease;
            _module = module;
            _gate = gate;
            _strideBlocks = strideBlocks;
            _pipelinedCopyBlocks = (uint)Math.Max(1, device.MultiprocessorCount * PipelinedCopyBlocksPerSm);
        }

        public CudaDevice Device { get; }

        /// <summary>The PTX ISA and target the driver accepted for the kernels.</summary>
        public string KernelDirectives => _module.Directives;

        /// <summary>Opens a session on the CUDA driver and NVML of <paramref name="runtime"/>.</summary>
        public static BandwidthSession Open(GpuRuntime runtime, CudaDevice device) =>
            Open(new CudaPort(runtime), new RuntimeSurroundings(runtime), device);

        /// <summary>Opens a session: takes a context lease, loads the kernels and sets up the spin gate.</summary>
        internal static BandwidthSession Open(IGpuPort port, IGpuSurroundings machine, CudaDevice device)
        {
            IPortLease lease = port.Lease(device.Index);
            BandwidthModule? module = null;
            SpinGate? gate = null;
            try
            {
                using (lease.Enter())
                {
                    module = BandwidthModule.Load(port, device.ComputeCapabilityMajor, device.ComputeCapabilityMinor);
                    gate = SpinGate.Create(port, module);
                }

                // Enough grid-stride blocks to fill every SM to its thread limit (2048 where the driver does not say).
                CudaResult asked = port.DeviceAttribute(
                    device.Index, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, out int threads);
                int perSm = asked == CudaResult.CUDA_SUCCESS && threads >= StridedThreadsPerBlock
                    ? threads / StridedThreadsPerBlock
                    : 2048 / StridedThreadsPerBlock;
                uint blocks = (uint)Math.Max(1, device.MultiprocessorCount * perSm);
                return new BandwidthSession(port, machine, device, lease, module, gate, blocks);
            }
            catch
            {
                using (lease.Enter())
                {
                    gate?.Dispose();
                    module?.Dispose();
                }

                lease.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                using (_lease.Enter())
                {
                    _gate.Dispose();
                    _module.Dispose();
                }
            }
            finally
            {
                _lease.Dispose();
            }
        }

        internal IGpuPort Port => _port;

        internal IGpuSurroundings Machine => _machine;

        internal IPortLease Lease => _lease;

        /// <summary>Blocks of the grid-stride read kernel, each leaving one 4-byte XOR.</summary>
        internal uint StrideBlocks => _strideBlocks;

        /// <summary>Makes this session's context current on the calling thread until disposed.</summary>
        internal IDisposable Enter() => _lease.Enter();

        /// <summary>Device memory in this session's context (current on the calling thread).</summary>
        internal DeviceMemory Allocate(ulong bytes) => DeviceMemory.Allocate(_port, bytes);

        /// <summary>Runs one single-GPU test: a registered id (any case) whose path is not <see cref="BandwidthPath.Peer"/>.</summary>
        public BandwidthResult Run(
            string test, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress>? progress = null) =>
            Run(BandwidthTests.Tests.Get(test), request, cancel, progress);

        /// <summary>Runs one single-GPU test given as an instance (the registry's, or an engine test's own).</summary>
        internal BandwidthResult Run(
            BandwidthTest registered, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress>? progress = null)
        {
            if (registered.Path == BandwidthPath.Peer)
            {
                throw new ArgumentException(
                    $"'{registered.Id}' is a peer test: it runs with RunPeer and a second GPU.", nameof(registered));
            }

            if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(BandwidthSession));
            progress = progress ?? (_ => { });
            using (_lease.Enter())
            {
                var owned = new List<IDisposable>();
                try
                {
                    return RunIn(registered, request, cancel, progress, owned);
                }
                finally
                {
                    // Reverse order: streams and events before the memory the queued work refers to.
                    DisposeAll(owned);
                }
            }
        }

        private BandwidthResult RunIn(
            BandwidthTest test, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress> progress,
            List<IDisposable> owned)
        {
            ulong bytes = BufferBytes(test, request, out string? note);
            var run = new BandwidthRun(this, null, test, request, bytes, owned, cancel, progress) { Note = note };
            if (test.Path != BandwidthPath.Host) return test.Run(run);

            // Bound before the host memory is allocated (page-locked memory lands on the allocating thread's NUMA node)
            // and until the copies are done (the driver stages pageable copies on the queueing thread).
            using (HostThreadBinding binding = _machine.BindThread(_machine.HostLink(Device).CpuMask))
            {
                run.Placement = binding.Description;
                BandwidthResult result = test.Run(run);
                result.NumaNode = run.Link?.NumaNode;
                result.CpuAffinity = run.Link?.CpuAffinity;
                result.NumaAffinity = run.Link?.NumaAffinity;
                result.BoundCpus = binding.BoundCpus;
                result.Note = Join(result.Note, binding.Release());
                return result;
            }
        }

        /// <summary>
        /// The buffer size: -Size, or the default (device tests: max(1 GiB, 8 x L2) so the L2 cannot serve any of
        /// it; host tests: 512 MiB, nvbandwidth's default), checked against free GPU memory. A default that does
        /// not fit is reduced, with a note; an asked-for size that does not fit is an error.
        /// </summary>
        private ulong BufferBytes(BandwidthTest test, BandwidthRequest request, out string? note)
        {
            note = null;
            bool host = test.Path == BandwidthPath.Host;
            int deviceBuffers = test.Buffers.DeviceBuffers;
            ulong l2 = (ulong)(Device.L2CacheSize ?? (50L << 20));
            ulong bytes = request.Bytes
                ?? (host ? BandwidthRequest.DefaultHostBytes : Math.Max(BandwidthRequest.MinimumDeviceBytes, 8 * l2));
            bytes = bytes / 16 * 16;
            if (bytes == 0) throw new ArgumentOutOfRangeException(nameof(request), "The buffer size must be at least 16 bytes.");
            ulong free = _port.MemoryInfo().Free;
            // Leave a tenth of free memory to the driver and other programs.
            ulong budget = (ulong)(free * 0.9);
            ulong extra = test.Buffers.BlockSums ? _strideBlocks * 4UL : 0;
            if ((ulong)deviceBuffers * bytes + extra <= budget) return bytes;
            string what = $"{test.Id} on GPU {Device.Index} ({deviceBuffers} buffer(s) of {bytes / 1048576.0:N0} MiB)";
            if (request.Bytes != null) throw new BandwidthBufferTooLargeException(what, (ulong)deviceBuffers * bytes + extra, free);
            ulong reduced = (budget - extra) / (ulong)deviceBuffers / (1UL << 20) * (1UL << 20);
            if (reduced < 2 * l2 || reduced < (16UL << 20))
            {
                throw new BandwidthBufferTooLargeException(
                    what, (ulong)deviceBuffers * bytes + extra, free, "not even a buffer twice the L2 size fits");
            }
            note = $"Buffer reduced from {bytes / 1048576.0:N0} MiB to {reduced / 1048576.0:N0} MiB to fit free GPU memory.";
            return reduced;
        }

        /// <summary>Zeroes a buffer of the current context and waits until it is done, so a copy that did not happen shows.</summary>
        internal void Clear(DeviceMemory buffer) => Fill(buffer, 0);

        // On a stream of its own, waited for: the measuring streams are non-blocking and would not wait for other work.
        internal void Fill(DeviceMemory buffer, byte value)
        {
            using (var stream = new OwnedStream(_port))
            {
                _port.Fill(buffer.Pointer, value, buffer.Bytes, stream.Stream);
                stream.Synchronize();
            }
        }
    }
}
