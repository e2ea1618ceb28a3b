using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// A managed, in-process GPU behind <see cref="IGpuPort"/>, for engine logic tests that need no native library and
    /// may run in parallel (each test makes its own). It behaves like the CUDA driver where an engine bug would show:
    /// <list type="bullet">
    /// <item>contexts are leased and current per thread; every call but Devices and the leases needs one (INVALID_CONTEXT);</item>
    /// <item>device memory is managed arrays at fake addresses, and every copy, fill and kernel argument range must lie in
    /// one live allocation of the current device (INVALID_VALUE), checked when queued;</item>
    /// <item>stream work is queued and runs only at synchronisation points (stream or event synchronise, a free, a
    /// destroy), in queue order, so reading host memory or an event interval too early sees stale data or NOT_READY;</item>
    /// <item>each stream has a simulated clock: a copy takes bytes / <see cref="CopyGBps"/>, a host copy bytes /
    /// <see cref="HostCopyGBps"/>, a kernel its bytes touched / <see cref="KernelGBps"/> plus a launch cost, and an
    /// event takes the clock when its turn comes;</item>
    /// <item>the health kernels (fill, check, compare) are implemented here from their PTX's documented semantics, the
    /// bandwidth kernels, page-locked host memory and peer access in ManagedFakeGpu.Bandwidth.cs;</item>
    /// <item>releases of unknown or already released handles are INVALID_HANDLE / INVALID_VALUE.</item>
    /// </list>
    /// Faults: <see cref="StuckLow"/> forces bits of one device word to 0 after every write (a bad memory cell).
    /// </summary>
    internal sealed unsafe partial class ManagedFakeGpu : IGpuPort
    {
        private readonly object _lock = new object();
        private readonly List<CudaDevice> _devices;
        private readonly int[] _leases;
        [ThreadStatic]
        private static Dictionary<int, Stack<int>>? _contextStacks;

        private static int _instances;
        private readonly int _instance = Interlocked.Increment(ref _instances);
        private readonly Dictionary<ulong, Allocation> _allocations = new Dictionary<ulong, Allocation>();
        private readonly Dictionary<IntPtr, FakeStream> _streams = new Dictionary<IntPtr, FakeStream>();
        private readonly Dictionary<IntPtr, FakeEvent> _events = new Dictionary<IntPtr, FakeEvent>();
        private readonly Dictionary<IntPtr, string> _modules = new Dictionary<IntPtr, string>();
        private readonly ulong[] _nextAddress;
        private long _nextHandle = 0x1000;

        public ManagedFakeGpu(int devices = 1, ulong memoryBytes = 64UL << 20)
        {
            _devices = Enumerable.Range(0, devices).Select(i => new CudaDevice
            {
                Index = i,
                Name = "Managed Fake GPU",
                Uuid = $"GPU-00000000-0000-0000-0000-00000000000{i}",
                ComputeCapabilityMajor = 9,
                ComputeCapabilityMinor = 0,
                ComputeCapability = "9.0",
                MultiprocessorCount = 4,
                TotalMemory = memoryBytes,
                L2CacheSize = 1L << 20,
            }).ToList();
            _leases = new int[devices];
            _nextAddress = Enumerable.Range(0, devices).Select(i => (ulong)(i + 1) << 40).ToArray();
            MemoryBytes = memoryBytes;
        }

        public ulong MemoryBytes { get; }

        public double CopyGBps { get; set; } = 1500;

        public double HostCopyGBps { get; set; } = 25;

        public double KernelGBps { get; set; } = 2000;

        public double LaunchMilliseconds { get; set; } = 0.004;

        /// <summary>A device word (address) whose masked bits read 0 whatever is written: a stuck memory cell.</summary>
        public (ulong Address, uint Mask)? StuckLow { get; set; }

        /// <summary>Contexts alive now (leased at least once and not released by the last lease).</summary>
        public int LiveContexts { get { lock (_lock) return _leases.Count(l => l > 0); } }

        public int LiveAllocations { get { lock (_lock) return _allocations.Count; } }

        public int LiveStreams { get { lock (_lock) return _streams.Count; } }

        public int LiveEvents { get { lock (_lock) return _events.Count; } }

        public IReadOnlyList<CudaDevice> Devices() => _devices;

        public IPortLease Lease(int device)
        {
            if (device < 0 || device >= _devices.Count) throw Fail(CudaResult.CUDA_ERROR_INVALID_DEVICE, "cuCtxCreate");
            lock (_lock) _leases[device]++;
            return new FakeLease(this, device);
        }

        /// <summary>
        /// The fake keeps one context per device, so a primary lease counts on it like any other: what matters to the engine
        /// (a context current per thread, released once, everything in it gone with the last lease) holds the same.
        /// </summary>
        public IPortLease LeasePrimary(int device)
        {
            if (device < 0 || device >= _devices.Count) throw Fail(CudaResult.CUDA_ERROR_INVALID_DEVICE, "cuDevicePrimaryCtxRetain");
            lock (_lock) _leases[device]++;
            return new FakeLease(this, device);
        }

        public (ulong Free, ulong Total) MemoryInfo()
        {
            int device = Current("cuMemGetInfo");
            lock (_lock)
            {
                ulong used = _allocations.Values.Where(a => a.Device == device).Aggregate(0UL, (s, a) => s + (ulong)a.Bytes.LongLength);
                return (MemoryBytes - used, MemoryBytes);
            }
        }

        public CudaResult TryAllocate(ulong bytes, out ulong pointer)
        {
            int device = Current("cuMemAlloc");
            pointer = 0;
            if (bytes == 0) return CudaResult.CUDA_ERROR_INVALID_VALUE;
            lock (_lock)
            {
                ulong used = _allocations.Values.Where(a => a.Device == device).Aggregate(0UL, (s, a) => s + (ulong)a.Bytes.LongLength);
                if (used + bytes > MemoryBytes) return CudaResult.CUDA_ERROR_OUT_OF_MEMORY;
                pointer = _nextAddress[device];
                _nextAddress[device] += (bytes + 0xFFFF) & ~0xFFFFUL;
                _allocations[pointer] = new Allocation(device, new byte[bytes]);
                return CudaResult.CUDA_SUCCESS;
            }
        }

        public void Free(ulong pointer)
        {
            int device = Current("cuMemFree");
            RunAll(device); // cuMemFree waits for work that may use the memory
            lock (_lock)
            {
                if (!_allocations.TryGetValue(pointer, out Allocation? a) ||
                    a.Device != device) throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE, "cuMemFree");
                _allocations.Remove(pointer);
            }
        }

        public PortStream CreateStream()
        {
            int device = Current("cuStreamCreate");
            var handle = NextHandle();
            lock (_lock) _streams[handle] = new FakeStream(device);
            return new PortStream(handle);
        }

        public void Synchronize(PortStream stream) => Run(StreamOf(stream, "cuStreamSynchronize"));

        /// <summary>
        /// The GPU gets on with queued work while the host polls: each query of a busy stream finishes one queued step and
        /// answers not idle, so a poll loop has to come back for the rest, as it does with the driver's NOT_READY.
        /// </summary>
        public bool Idle(PortStream stream)
        {
            FakeStream s = StreamOf(stream, "cuStreamQuery");
            Action next;
            lock (_lock)
            {
                if (s.Work.Count == 0) return true;
                next = s.Work.Dequeue();
            }

            next();
            return false;
        }

        public void Destroy(PortStream stream)
        {
            FakeStream s = StreamOf(stream, "cuStreamDestroy");
            Run(s); // the driver finishes queued work before it releases the stream
            lock (_lock) _streams.Remove(stream.Handle);
        }

        public void CopyToDevice(ulong destination, IntPtr source, ulong bytes, PortStream stream)
        {
            FakeStream s = StreamOf(stream, "cuMemcpyHtoDAsync");
            (byte[] to, long at) = Range(s.Device, destination, bytes, "cuMemcpyHtoDAsync");
            Queue(s, bytes / (HostCopyGBps * 1e6), () => Marshal.Copy(source, to, (int)at, (int)bytes), destination, bytes);
        }

        public void CopyToHost(IntPtr destination, ulong source, ulong bytes, PortStream stream)
        {
            FakeStream s = StreamOf(stream, "cuMemcpyDtoHAsync");
            (byte[] from, long at) = Range(s.Device, source, bytes, "cuMemcpyDtoHAsync");
            Queue(s, bytes / (HostCopyGBps * 1e6), () => Marshal.Copy(from, (int)at, destination, (int)bytes));
        }

        public void CopyOnDevice(ulong destination, ulong source, ulong bytes, PortStream stream)
        {
            FakeStream s = StreamOf(stream, "cuMemcpyDtoDAsync");
            (byte[] to, long toAt) = Range(s.Device, destination, bytes, "cuMemcpyDtoDAsync");
            (byte[] from, long fromAt) = Range(s.Device, source, bytes, "cuMemcpyDtoDAsync");
            Queue(s, bytes / (CopyGBps * 1e6), () => Array.Copy(from, fromAt, to, toAt, (long)bytes), destination, bytes);
        }

        public void CopyToHostNow(IntPtr destination, ulong source, ulong bytes)
        {
            Current("cuMemcpyDtoH");
            // Unified addressing: the driver finds the device that owns the source, whichever context is current.
            (byte[] from, long at) = Range(OwnerOf(source), source, bytes, "cuMemcpyDtoH");
            // Synchronous, but only with the legacy stream: work queued on the module's non-blocking streams is not waited for.
            Marshal.Copy(from, (int)at, destination, (int)bytes);
        }

        public void Fill(ulong destination, byte value, ulong bytes, PortStream stream)
        {
            FakeStream s = StreamOf(stream, "cuMemsetD8Async");
            (byte[] to, long at) = Range(s.Device, destination, bytes, "cuMemsetD8Async");
            Queue(s, bytes / (KernelGBps * 1e6), () =>
            {
                for (long i = 0; i < (long)bytes; i++) to[at + i] = value;
            }, destination, bytes);
        }

        public PortEvent CreateEvent()
        {
            int device = Current("cuEventCreate");
            var handle = NextHandle();
            lock (_lock) _events[handle] = new FakeEvent(device);
            return new PortEvent(handle);
        }

        public void Record(PortEvent gpuEvent, PortStream stream)
        {
            FakeEvent e = EventOf(gpuEvent, "cuEventRecord");
            FakeStream s = StreamOf(stream, "cuEventRecord");
            lock (_lock)
            {
                e.Stream = s;
                e.Done = false;
            }

            Queue(s, 0, () =>
            {
                e.AtMs = s.ClockMs;
                e.Done = true;
            });
        }

        public void Synchronize(PortEvent gpuEvent)
        {
            FakeEvent e = EventOf(gpuEvent, "cuEventSynchronize");
            if (e.Stream != null) Run(e.Stream);
        }

        public float ElapsedMilliseconds(PortEvent start, PortEvent end)
        {
            FakeEvent a = EventOf(start, "cuEventElapsedTime"), b = EventOf(end, "cuEventElapsedTime");
            lock (_lock)
            {
                if (a.Stream == null || b.Stream == null) throw Fail(CudaResult.CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime");
                if (!a.Done || !b.Done) throw Fail(CudaResult.CUDA_ERROR_NOT_READY, "cuEventElapsedTime");
                return (float)(b.AtMs - a.AtMs);
            }
        }

        public void Destroy(PortEvent gpuEvent)
        {
            EventOf(gpuEvent, "cuEventDestroy");
            lock (_lock) _events.Remove(gpuEvent.Handle);
        }

        public PortModule LoadKernels(string kernels, string ptx, int computeMajor, int computeMinor)
        {
            Current("cuModuleLoadDataEx");
            if (!ptx.Contains(".version " + PtxLoader.PtxIsa) || !ptx.Contains(".target " + PtxLoader.PtxTarget))
                throw Fail(CudaResult.CUDA_ERROR_INVALID_PTX, "cuModuleLoadDataEx");
            var handle = NextHandle();
            lock (_lock) _modules[handle] = ptx;
            return new PortModule(handle, $"PTX ISA {PtxLoader.PtxIsa}, {PtxLoader.PtxTarget}");
        }

        public PortFunction Function(PortModule module, string name)
        {
            Current("cuModuleGetFunction");
            lock (_lock)
            {
                if (!_modules.TryGetValue(module.Handle, out string? ptx)) throw Fail(CudaResult.CUDA_ERROR_INVALID_HANDLE,
                    "cuModuleGetFunction");
                if (!ptx.Contains(".entry " + name + "(")) throw Fail(CudaResult.CUDA_ERROR_NOT_FOUND, "cuModuleGetFunction");
            }

            return new PortFunction(NextHandle(), name);
        }

        public void Unload(PortModule module)
        {
            Current("cuModuleUnload");
            lock (_lock)
            {
                if (!_modules.Remove(module.Handle)) throw Fail(CudaResult.CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload");
            }
        }

        public void Launch(PortFunction function, uint blocks, uint threadsPerBlock, PortStream stream, params KernelArg[] args)
        {
            FakeStream s = StreamOf(stream, "cuLaunchKernel");
            if (blocks == 0 || threadsPerBlock == 0 || threadsPerBlock > 1024) throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE,
                "cuLaunchKernel");
            var kernel = FakeBandwidthKernels.Bind(this, s.Device, function.Name, blocks, threadsPerBlock, args)
                ?? FakeKernels.Bind(this, s.Device, function.Name, args);
            double milliseconds = kernel.Milliseconds ?? kernel.Bytes / (KernelGBps * 1e6);
            Queue(s, LaunchMilliseconds + milliseconds, kernel.Run, kernel.Writes, kernel.WriteBytes);
        }

        /// <summary>The array and offset of a device range inside one live allocation of the device, or INVALID_VALUE.</summary>
        internal (byte[] Memory, long Offset) Range(int device, ulong pointer, ulong bytes, string call)
        {
            lock (_lock)
            {
                foreach (var pair in _allocations)
                {
                    if (pair.Value.Device != device) continue;
                    ulong size = (ulong)pair.Value.Bytes.LongLength;
                    if (pointer >= pair.Key && pointer < pair.Key + size)
                    {
                        if (bytes > pair.Key + size - pointer) break;
                        return (pair.Value.Bytes, (long)(pointer - pair.Key));
                    }
                }
            }

            throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE, call);
        }

        /// <summary>This fake's context stack of the calling thread (the driver keeps one per thread).</summary>
        private Stack<int> ContextStack()
        {
            _contextStacks ??= new Dictionary<int, Stack<int>>();
            if (!_contextStacks.TryGetValue(_instance, out Stack<int>? stack)) _contextStacks[_instance] = stack = new Stack<int>();
            return stack;
        }

        internal int Current(string call)
        {
            Stack<int> stack = ContextStack();
            if (stack.Count == 0) throw Fail(CudaResult.CUDA_ERROR_INVALID_CONTEXT, call);
            int device = stack.Peek();
            lock (_lock)
            {
                if (_leases[device] == 0) throw Fail(CudaResult.CUDA_ERROR_INVALID_CONTEXT, call);
            }

            return device;
        }

        private static CudaException Fail(CudaResult result, string call) => new CudaException(result, result.ToString(),
            "managed fake GPU", call);

        private IntPtr NextHandle() => new IntPtr(Interlocked.Increment(ref _nextHandle));

        private FakeStream StreamOf(PortStream stream, string call)
        {
            int device = Current(call);
            lock (_lock)
            {
                if (!_streams.TryGetValue(stream.Handle, out FakeStream? s) ||
                    s.Device != device) throw Fail(CudaResult.CUDA_ERROR_INVALID_HANDLE, call);
                return s;
            }
        }

        private FakeEvent EventOf(PortEvent gpuEvent, string call)
        {
            int device = Current(call);
            lock (_lock)
            {
                if (!_events.TryGetValue(gpuEvent.Handle, out FakeEvent? e) ||
                    e.Device != device) throw Fail(CudaResult.CUDA_ERROR_INVALID_HANDLE, call);
                return e;
            }
        }

        private void Queue(FakeStream s, double milliseconds, Action work, ulong writes = 0, ulong writeBytes = 0)
        {
            lock (_lock) s.Work.Enqueue(() =>
            {
                work();
                s.ClockMs += milliseconds;
                if (writeBytes > 0) ApplyFaults(s.Device, writes, writeBytes);
            });
        }

        private void Run(FakeStream s)
        {
            while (true)
            {
                Action next;
                lock (_lock)
                {
                    if (s.Work.Count == 0) return;
                    next = s.Work.Dequeue();
                }

                next();
            }
        }

        private void RunAll(int device)
        {
            List<FakeStream> streams;
            lock (_lock) streams = _streams.Values.Where(s => s.Device == device).ToList();
            foreach (FakeStream s in streams) Run(s);
        }

        private void ApplyFaults(int device, ulong start, ulong bytes)
        {
            if (StuckLow is not (ulong address, uint mask) || address < start || address + 4 > start + bytes) return;
            (byte[] memory, long at) = Range(device, address, 4, "fault");
            fixed (byte* p = &memory[at]) *(uint*)p &= ~mask;
        }

        private void Release(int device)
        {
            lock (_lock)
            {
                if (_leases[device] == 0) throw Fail(CudaResult.CUDA_ERROR_INVALID_CONTEXT, "lease released twice");
                if (--_leases[device] > 0) return;
                // The last lease destroys the context and everything in it, as cuCtxDestroy does.
                foreach (ulong p in _allocations.Where(a => a.Value.Device == device).Select(a => a.Key).ToList()) _allocations.Remove(p);
                foreach (IntPtr h in _streams.Where(a => a.Value.Device == device).Select(a => a.Key).ToList()) _streams.Remove(h);
                foreach (IntPtr h in _events.Where(a => a.Value.Device == device).Select(a => a.Key).ToList()) _events.Remove(h);
                ReleaseBandwidthState(device);
            }
        }

        private sealed class Allocation
        {
            public Allocation(int device, byte[] bytes)
            {
                Device = device;
                Bytes = bytes;
            }

            public int Device { get; }

            public byte[] Bytes { get; }
        }

        private sealed class FakeStream
        {
            public FakeStream(int device)
            {
                Device = device;
            }

            public int Device { get; }

            public Queue<Action> Work { get; } = new Queue<Action>();

            public double ClockMs { get; set; }
        }

        private sealed class FakeEvent
        {
            public FakeEvent(int device)
            {
                Device = device;
            }

            public int Device { get; }

            public FakeStream? Stream { get; set; }

            public bool Done { get; set; }

            public double AtMs { get; set; }
        }

        private sealed class FakeLease : IPortLease
        {
            private readonly ManagedFakeGpu _gpu;
            private int _released;

            public FakeLease(ManagedFakeGpu gpu, int device)
            {
                _gpu = gpu;
                Device = device;
            }

            public int Device { get; }

            public IDisposable Enter()
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
                Stack<int> stack = _gpu.ContextStack();
                stack.Push(Device);
                return new Scope(stack, Thread.CurrentThread);
            }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0) _gpu.Release(Device);
            }
        }

        private sealed class Scope : IDisposable
        {
            private readonly Stack<int> _stack;
            private readonly Thread _thread;
            private bool _popped;

            public Scope(Stack<int> stack, Thread thread)
            {
                _stack = stack;
                _thread = thread;
            }

            public void Dispose()
            {
                if (_popped) return;
                // The driver pops the calling thread's stack: leaving on another thread would pop the wrong context.
                if (Thread.CurrentThread != _thread)
                    throw new InvalidOperationException("A context scope was left on another thread than it was entered on.");
                _popped = true;
                _stack.Pop();
            }
        }
    }
}
