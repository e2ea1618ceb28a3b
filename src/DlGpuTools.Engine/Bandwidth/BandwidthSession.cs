using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using static DlGpuTools.Interop.Ownership;
using DlGpuTools.Topology;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// Bandwidth measurements on one GPU: holds a lease on the module's context of it, the kernels loaded into it and
    /// the spin gate, from <see cref="Open"/> to <see cref="Dispose"/>. Each test allocates its buffers, times
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

        private readonly GpuRuntime _runtime;
        private readonly CudaDriver _driver;
        private readonly DeviceContext _context;
        private readonly BandwidthModule _module;
        private readonly SpinGate _gate;
        private readonly uint _strideBlocks;
        private readonly uint _pipelinedCopyBlocks;
        private int _disposed;

        private BandwidthSession(GpuRuntime runtime, CudaDevice device, DeviceContext context, BandwidthModule module, SpinGate gate, uint strideBlocks)
        {
            _runtime = runtime;
            _driver = runtime.Driver;
            Device = device;
            _context = context;
            _module = module;
            _gate = gate;
            _strideBlocks = strideBlocks;
            _pipelinedCopyBlocks = (uint)Math.Max(1, device.MultiprocessorCount * PipelinedCopyBlocksPerSm);
        }

        public CudaDevice Device { get; }

        /// <summary>The PTX ISA and target the driver accepted for the kernels.</summary>
        public string KernelDirectives => _module.Directives;

        /// <summary>Opens a session: takes a context lease, loads the kernels and sets up the spin gate.</summary>
        public static BandwidthSession Open(GpuRuntime runtime, CudaDevice device)
        {
            CudaDriver driver = runtime.Driver;
            DeviceContext context = runtime.AcquireContext(device.Index);
            BandwidthModule? module = null;
            SpinGate? gate = null;
            try
            {
                using (context.Enter())
                {
                    module = BandwidthModule.Load(driver, device.ComputeCapabilityMajor, device.ComputeCapabilityMinor);
                    gate = SpinGate.Create(driver, module);
                }

                // Enough grid-stride blocks to fill every SM to its thread limit (2048 where the driver does not say).
                int perSm = driver.cuDeviceGetAttribute(device.Index, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, out int threads) == CudaResult.CUDA_SUCCESS && threads >= StridedThreadsPerBlock
                    ? threads / StridedThreadsPerBlock
                    : 2048 / StridedThreadsPerBlock;
                uint blocks = (uint)Math.Max(1, device.MultiprocessorCount * perSm);
                return new BandwidthSession(runtime, device, context, module, gate, blocks);
            }
            catch
            {
                using (context.Enter())
                {
                    gate?.Dispose();
                    module?.Dispose();
                }

                context.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                using (_context.Enter())
                {
                    _gate.Dispose();
                    _module.Dispose();
                }
            }
            finally
            {
                _context.Dispose();
            }
        }

        /// <summary>Runs one single-GPU test (a name from <see cref="BandwidthTests.SingleDevice"/>).</summary>
        public BandwidthResult Run(string test, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress>? progress = null)
        {
            if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(BandwidthSession));
            progress = progress ?? (_ => { });
            using (_context.Enter())
            {
                var owned = new List<IDisposable>();
                try
                {
                    return RunIn(test, request, cancel, progress, owned);
                }
                finally
                {
                    // Reverse order: streams and events before the memory the queued work refers to.
                    DisposeAll(owned);
                }
            }
        }

        private BandwidthResult RunIn(string test, BandwidthRequest request, CancellationToken cancel, Action<BandwidthProgress> progress, List<IDisposable> owned)
        {
            bool host = BandwidthTests.IsHostTest(test);
            int deviceBuffers = test == BandwidthTests.DeviceTriad ? 3 : test == BandwidthTests.DeviceCopySm || test == BandwidthTests.DeviceCopyCe || test == BandwidthTests.HostDeviceBidirectional ? 2 : 1;
            string? note;
            ulong bytes = BufferBytes(test, request, host, deviceBuffers, out note);
            ulong n = bytes / 16;
            uint seedA = (uint)request.Seed * 2654435761u + 1, seedB = seedA * 7 + 3;
            CudaStream stream = Own(owned, CudaStream.Create(_driver));
            var ops = new Operation { Test = test };

            switch (test)
            {
                case BandwidthTests.DeviceWrite:
                {
                    DeviceBuffer dst = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    Clear(dst);
                    ops.Forward = s => LaunchWrite(dst, n, seedA, s);
                    ops.Verify = () => VerifyDevice(test, dst, n, request, k => BandwidthPattern.Word(k, seedA));
                    return Measure(ops, request, bytes, bytes, bytes, "written once; traffic = bytes written", "SM kernel", () => TheoreticalBandwidth.DeviceMemory(Device),
                        "dlgpu_write kernel: 16-byte stores of a computed pattern, one element per thread", note, stream, null, cancel, progress);
                }

                case BandwidthTests.DeviceRead:
                {
                    DeviceBuffer src = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    DeviceBuffer sums = Own(owned, DeviceBuffer.Allocate(_driver, _context, _strideBlocks * 4UL));
                    LaunchWrite(src, n, seedA, stream.Handle);
                    stream.Synchronize();
                    Fill(sums, 0xA5);
                    ops.Forward = s => LaunchRead(src, n, sums, s);
                    ops.Verify = () => VerifyRead(test, sums, n, seedA);
                    return Measure(ops, request, bytes, bytes, bytes, "read once; traffic = bytes read (the kernel writes 4 bytes per block)", "SM kernel", () => TheoreticalBandwidth.DeviceMemory(Device),
                        "dlgpu_read kernel: 16-byte loads XOR-reduced per block, grid-stride loop with four loads in flight per thread", note, stream, null, cancel, progress);
                }

                case BandwidthTests.DeviceCopySm:
                case BandwidthTests.DeviceCopyCe:
                {
                    DeviceBuffer src = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    DeviceBuffer dst = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    LaunchWrite(src, n, seedA, stream.Handle);
                    stream.Synchronize();
                    Clear(dst);
                    bool sm = test == BandwidthTests.DeviceCopySm;
                    if (sm) ops.Forward = s => LaunchCopy(dst, src, n, s);
                    else ops.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyDtoDAsync(dst.DevicePointer, src.DevicePointer, bytes, s));
                    ops.Verify = () => VerifyDevice(test, dst, n, request, k => BandwidthPattern.Word(k, seedA));
                    return Measure(ops, request, bytes, bytes, 2 * bytes, "copied once (as nvbandwidth counts); traffic = read + write, 2x", sm ? "SM kernel" : "copy engine", () => TheoreticalBandwidth.DeviceMemory(Device),
                        sm ? "dlgpu_copy kernel: a 16-byte load and store per thread" : "cuMemcpyDtoDAsync within the GPU", note, stream, null, cancel, progress);
                }

                case BandwidthTests.DeviceTriad:
                {
                    DeviceBuffer a = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    DeviceBuffer b = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    DeviceBuffer c = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    LaunchWrite(b, n, seedA, stream.Handle);
                    LaunchWrite(c, n, seedB, stream.Handle);
                    stream.Synchronize();
                    Clear(a);
                    const uint scalar = 3;
                    ops.Forward = s => LaunchTriad(a, b, c, n, scalar, s);
                    ops.Verify = () => VerifyDevice(test, a, n, request, k => unchecked(BandwidthPattern.Word(k, seedA) + scalar * BandwidthPattern.Word(k, seedB)));
                    return Measure(ops, request, bytes, 3 * bytes, 3 * bytes, "STREAM triad: 2 arrays read + 1 written, 3x the buffer", "SM kernel", () => TheoreticalBandwidth.DeviceMemory(Device),
                        "dlgpu_triad kernel: a = b + s*c on 32-bit integers, 16-byte loads and stores", note, stream, null, cancel, progress);
                }

                default:
                    return RunHost(test, request, bytes, n, seedA, seedB, note, stream, owned, cancel, progress);
            }
        }

        private BandwidthResult RunHost(string test, BandwidthRequest request, ulong bytes, ulong n, uint seedA, uint seedB, string? note, CudaStream stream, List<IDisposable> owned,
            CancellationToken cancel, Action<BandwidthProgress> progress)
        {
            // Bound before the host memory is allocated (page-locked memory lands on the allocating thread's NUMA node)
            // and until the copies are done (the driver stages pageable copies on the queueing thread).
            using (HostThreadBinding binding = HostThreadBinding.Bind(HostLink.Read(_runtime, Device).CpuMask))
            {
                BandwidthResult result = RunHostBound(test, request, bytes, n, seedA, seedB, note, stream, owned, binding.Description, cancel, progress);
                result.BoundCpus = binding.BoundCpus;
                result.Note = Join(result.Note, binding.Release());
                return result;
            }
        }

        private BandwidthResult RunHostBound(string test, BandwidthRequest request, ulong bytes, ulong n, uint seedA, uint seedB, string? note, CudaStream stream, List<IDisposable> owned,
            string placement, CancellationToken cancel, Action<BandwidthProgress> progress)
        {
            bool pageable = test == BandwidthTests.HostToDevicePageable || test == BandwidthTests.DeviceToHostPageable;
            HostBuffer NewHost() => pageable ? (HostBuffer)Own(owned, PageableHostBuffer.Allocate(bytes)) : Own(owned, PinnedHostBuffer.Allocate(_driver, bytes, CudaDriver.CU_MEMHOSTALLOC_PORTABLE));
            var ops = new Operation { Test = test, Gated = !pageable };
            HostLink? link = null;
            Func<Theoretical> Link(int directions) => () => (link = HostLink.Read(_runtime, Device)).Theoretical(directions);
            string memory = pageable ? "pageable (ordinary malloc memory, page-aligned; the driver stages it through its own page-locked buffers)" : "page-locked (cuMemHostAlloc)";
            string method = pageable
                ? "cuMemcpy{0}Async from " + memory + ", not held back by the spin kernel (pageable copies return only once staged), so the host's staging time is in the figure; allocated and queued " + placement
                : "cuMemcpy{0}Async with " + memory + " host memory, allocated and queued " + placement;
            switch (test)
            {
                case BandwidthTests.HostToDevice:
                case BandwidthTests.HostToDevicePageable:
                {
                    HostBuffer src = NewHost();
                    BandwidthPattern.Fill(src.Pointer, bytes, seedA);
                    DeviceBuffer dst = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    Clear(dst);
                    ops.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyHtoDAsync(dst.DevicePointer, src.Pointer, bytes, s));
                    ops.Verify = () => VerifyDevice(test, dst, n, request, k => BandwidthPattern.Word(k, seedA));
                    return WithLink(Measure(ops, request, bytes, bytes, bytes, "copied once, host to device", "copy engine", Link(1),
                        string.Format(CultureInfo.InvariantCulture, method, "HtoD"), note, stream, null, cancel, progress), link);
                }

                case BandwidthTests.DeviceToHost:
                case BandwidthTests.DeviceToHostPageable:
                {
                    DeviceBuffer src = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    LaunchWrite(src, n, seedA, stream.Handle);
                    stream.Synchronize();
                    HostBuffer dst = NewHost();
                    dst.Clear();
                    ops.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyDtoHAsync(dst.Pointer, src.DevicePointer, bytes, s));
                    ops.Verify = () => VerifyHost(test, dst, n, request, k => BandwidthPattern.Word(k, seedA));
                    return WithLink(Measure(ops, request, bytes, bytes, bytes, "copied once, device to host", "copy engine", Link(1),
                        string.Format(CultureInfo.InvariantCulture, method, "DtoH"), note, stream, null, cancel, progress), link);
                }

                case BandwidthTests.HostDeviceBidirectional:
                {
                    HostBuffer up = NewHost();
                    BandwidthPattern.Fill(up.Pointer, bytes, seedA);
                    DeviceBuffer upDst = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    Clear(upDst);
                    DeviceBuffer downSrc = Own(owned, DeviceBuffer.Allocate(_driver, _context, bytes));
                    LaunchWrite(downSrc, n, seedB, stream.Handle);
                    stream.Synchronize();
                    HostBuffer down = NewHost();
                    down.Clear();
                    CudaStream second = Own(owned, CudaStream.Create(_driver));
                    ops.Forward = s => _driver.ThrowIfFailed(_driver.cuMemcpyHtoDAsync(upDst.DevicePointer, up.Pointer, bytes, s));
                    ops.Backward = s => _driver.ThrowIfFailed(_driver.cuMemcpyDtoHAsync(down.Pointer, downSrc.DevicePointer, bytes, s));
                    ops.Verify = () =>
                    {
                        int checkedUp = VerifyDevice(test, upDst, n, request, k => BandwidthPattern.Word(k, seedA));
                        return checkedUp + VerifyHost(test, down, n, request, k => BandwidthPattern.Word(k, seedB));
                    };
                    return WithLink(Measure(ops, request, bytes, 2 * bytes, 2 * bytes, "both directions added: one buffer each way per operation", "copy engine", Link(2),
                        "cuMemcpyHtoDAsync and cuMemcpyDtoHAsync on two streams at once, page-locked host memory allocated and queued " + placement + "; time from the common start to the later stream's end",
                        note, stream, second, cancel, progress), link);
                }

                default:
                    throw new ArgumentException($"There is no single-GPU bandwidth test '{test}'.", nameof(test));
            }
        }

        private static BandwidthResult WithLink(BandwidthResult result, HostLink? link)
        {
            result.NumaNode = link?.NumaNode;
            result.CpuAffinity = link?.CpuAffinity;
            result.NumaAffinity = link?.NumaAffinity;
            return result;
        }

        /// <summary>
        /// The buffer size: -Size, or the default (device tests: max(1 GiB, 8 x L2) so the L2 cannot serve any of
        /// it; host tests: 512 MiB, nvbandwidth's default), checked against free GPU memory. A default that does
        /// not fit is reduced, with a note; an asked-for size that does not fit is an error.
        /// </summary>
        private ulong BufferBytes(string test, BandwidthRequest request, bool host, int deviceBuffers, out string? note)
        {
            note = null;
            ulong l2 = (ulong)(Device.L2CacheSize ?? (50L << 20));
            ulong bytes = request.Bytes ?? (host ? BandwidthRequest.DefaultHostBytes : Math.Max(BandwidthRequest.MinimumDeviceBytes, 8 * l2));
            bytes = bytes / 16 * 16;
            if (bytes == 0) throw new ArgumentOutOfRangeException(nameof(request), "The buffer size must be at least 16 bytes.");
            _driver.ThrowIfFailed(_driver.cuMemGetInfo(out ulong free, out _));
            // Leave a tenth of free memory to the driver and other programs.
            ulong budget = (ulong)(free * 0.9);
            ulong extra = test == BandwidthTests.DeviceRead ? _strideBlocks * 4UL : 0;
            if ((ulong)deviceBuffers * bytes + extra <= budget) return bytes;
            string what = $"{test} on GPU {Device.Index} ({deviceBuffers} buffer(s) of {bytes / 1048576.0:N0} MiB)";
            if (request.Bytes != null) throw new BandwidthBufferTooLargeException(what, (ulong)deviceBuffers * bytes + extra, free);
            ulong reduced = (budget - extra) / (ulong)deviceBuffers / (1UL << 20) * (1UL << 20);
            if (reduced < 2 * l2 || reduced < (16UL << 20)) throw new BandwidthBufferTooLargeException(what, (ulong)deviceBuffers * bytes + extra, free, "not even a buffer twice the L2 size fits");
            note = $"Buffer reduced from {bytes / 1048576.0:N0} MiB to {reduced / 1048576.0:N0} MiB to fit free GPU memory.";
            return reduced;
        }

        private void Clear(DeviceBuffer buffer) => Fill(buffer, 0);

        // cuMemsetD8 runs on the legacy default stream and returns before it is done; the measuring streams are
        // non-blocking and do not wait for the legacy stream, so the context is synchronized before they start.
        private void Fill(DeviceBuffer buffer, byte value)
        {
            _driver.ThrowIfFailed(_driver.cuMemsetD8(buffer.DevicePointer, value, buffer.Bytes));
            _driver.ThrowIfFailed(_driver.cuCtxSynchronize());
        }
    }
}
