using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// What the bandwidth tests need of the fake, behaving like the driver where a bug would show:
    /// <list type="bullet">
    /// <item>page-locked host memory is pinned managed memory, counted (<see cref="LiveHostAllocations"/>), refused above
    /// <see cref="HostMemoryLimitBytes"/> (OUT_OF_MEMORY); mapped memory has a device address at which kernels reach it,
    /// bounds-checked like device memory, and plain page-locked memory has none (INVALID_VALUE);</item>
    /// <item>peer access must be enabled from the context that copies or launches before it touches another device's memory
    /// (PEER_ACCESS_NOT_ENABLED for a copy, INVALID_VALUE for a kernel argument); <see cref="PeerAccessSupported"/> false
    /// makes the driver refuse it; access ends with either context;</item>
    /// <item>a stream that waits on an event runs the event's stream up to it first and starts its clock no earlier, so two
    /// streams' work is ordered (and timed on one timeline) only through the wait;</item>
    /// <item>a copy over a link takes bytes / <see cref="HostCopyGBps"/> (mapped host memory) or bytes / <see cref="PeerGBps"/>
    /// (another GPU's memory).</item>
    /// </list>
    /// </summary>
    internal sealed partial class ManagedFakeGpu
    {
        private const ulong MappedBase = 0x7F00UL << 32;
        private readonly Dictionary<IntPtr, HostAllocation> _host = new Dictionary<IntPtr, HostAllocation>();
        private readonly HashSet<(int From, int To)> _peerAccess = new HashSet<(int From, int To)>();
        private ulong _nextMapped = MappedBase;

        /// <summary>Where a kernel argument range lies, which decides the path its bytes take.</summary>
        internal enum Place
        {
            Local,
            Host,
            Peer,
        }

        /// <summary>GB/s of a copy between two GPUs' memory (copy engine or kernel), per direction.</summary>
        public double PeerGBps { get; set; } = 400;

        /// <summary>Whether the driver lets two different devices reach each other's memory.</summary>
        public bool PeerAccessSupported { get; set; } = true;

        /// <summary>Page-locked host memory the OS allows in all (null: no limit).</summary>
        public ulong? HostMemoryLimitBytes { get; set; }

        /// <summary>The spin kernel gives up at once, as when the host never opens the gate within its timeout.</summary>
        public bool SpinTimesOut { get; set; }

        public int MaxThreadsPerMultiprocessor { get; set; } = 2048;

        public int LiveHostAllocations { get { lock (_lock) return _host.Count; } }

        public CudaResult DeviceAttribute(int device, CudaDeviceAttribute attribute, out int value)
        {
            value = 0;
            if (device < 0 || device >= _devices.Count) return CudaResult.CUDA_ERROR_INVALID_DEVICE;
            // The one attribute the engine asks; the fake knows no other.
            if (attribute != CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR)
                return CudaResult.CUDA_ERROR_INVALID_VALUE;
            value = MaxThreadsPerMultiprocessor;
            return CudaResult.CUDA_SUCCESS;
        }

        public IntPtr AllocateHost(ulong bytes, bool mapped)
        {
            int device = Current("cuMemHostAlloc");
            if (bytes == 0) throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE, "cuMemHostAlloc");
            lock (_lock)
            {
                ulong used = _host.Values.Aggregate(0UL, (sum, h) => sum + (ulong)h.Bytes.LongLength);
                if (HostMemoryLimitBytes is ulong limit && used + bytes > limit)
                    throw Fail(CudaResult.CUDA_ERROR_OUT_OF_MEMORY, "cuMemHostAlloc");
                byte[] memory = GC.AllocateArray<byte>(checked((int)bytes), pinned: true);
                IntPtr pointer = Marshal.UnsafeAddrOfPinnedArrayElement(memory, 0);
                ulong? address = null;
                if (mapped)
                {
                    address = _nextMapped;
                    _nextMapped += (bytes + 0xFFFF) & ~0xFFFFUL;
                }

                _host[pointer] = new HostAllocation(device, memory, address);
                return pointer;
            }
        }

        public void FreeHost(IntPtr host)
        {
            Current("cuMemFreeHost");
            lock (_lock)
            {
                if (!_host.Remove(host)) throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE, "cuMemFreeHost");
            }
        }

        public ulong MappedAddress(IntPtr host)
        {
            Current("cuMemHostGetDevicePointer");
            lock (_lock)
            {
                foreach (var pair in _host)
                {
                    long offset = (long)host - (long)pair.Key;
                    if (offset < 0 || offset >= pair.Value.Bytes.LongLength) continue;
                    if (pair.Value.DeviceAddress is ulong address) return address + (ulong)offset;
                    break;
                }
            }

            throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE, "cuMemHostGetDevicePointer");
        }

        public bool CanAccessPeer(int device, int peer)
        {
            if (device < 0 || device >= _devices.Count || peer < 0 || peer >= _devices.Count)
                throw Fail(CudaResult.CUDA_ERROR_INVALID_DEVICE, "cuDeviceCanAccessPeer");
            return PeerAccessSupported && device != peer;
        }

        public bool EnablePeerAccess(IPortLease peer)
        {
            int device = Current("cuCtxEnablePeerAccess");
            if (peer.Device == device) throw Fail(CudaResult.CUDA_ERROR_INVALID_DEVICE, "cuCtxEnablePeerAccess");
            lock (_lock)
            {
                if (_leases[peer.Device] == 0) throw Fail(CudaResult.CUDA_ERROR_INVALID_CONTEXT, "cuCtxEnablePeerAccess");
                if (!PeerAccessSupported) return false;
                _peerAccess.Add((device, peer.Device));
                return true;
            }
        }

        public void CopyPeer(ulong destination, IPortLease destinationContext, ulong source, IPortLease sourceContext, ulong bytes,
            PortStream stream)
        {
            const string call = "cuMemcpyPeerAsync";
            FakeStream s = StreamOf(stream, call);
            lock (_lock)
            {
                foreach (int other in new[] { destinationContext.Device, sourceContext.Device })
                {
                    if (_leases[other] == 0) throw Fail(CudaResult.CUDA_ERROR_INVALID_CONTEXT, call);
                    if (other != s.Device && !_peerAccess.Contains((s.Device, other)))
                        throw Fail(CudaResult.CUDA_ERROR_PEER_ACCESS_NOT_ENABLED, call);
                }
            }

            (byte[] to, long toAt) = Range(destinationContext.Device, destination, bytes, call);
            (byte[] from, long fromAt) = Range(sourceContext.Device, source, bytes, call);
            bool crosses = destinationContext.Device != sourceContext.Device;
            double milliseconds = bytes / ((crosses ? PeerGBps : CopyGBps) * 1e6);
            Queue(s, milliseconds, () => Array.Copy(from, fromAt, to, toAt, (long)bytes));
        }

        public void Wait(PortStream stream, PortEvent gpuEvent)
        {
            FakeStream s = StreamOf(stream, "cuStreamWaitEvent");
            FakeEvent e = EventOf(gpuEvent, "cuStreamWaitEvent");
            // The driver waits for the event's latest record at the time of the call; one never recorded is no wait.
            FakeStream? recordedOn;
            lock (_lock) recordedOn = e.Stream;
            if (recordedOn == null) return;
            lock (_lock) s.Work.Enqueue(() =>
            {
                if (!e.Done) Run(recordedOn);
                s.ClockMs = Math.Max(s.ClockMs, e.AtMs);
            });
        }

        /// <summary>
        /// A kernel argument range: in the device's own memory, in mapped host memory, or in another device's memory the
        /// device was given access to; anything else is INVALID_VALUE, as the launch of a kernel with a bad pointer fails.
        /// </summary>
        internal (byte[] Memory, long Offset, Place Where) KernelRange(int device, ulong pointer, ulong bytes)
        {
            lock (_lock)
            {
                foreach (var pair in _allocations)
                {
                    ulong size = (ulong)pair.Value.Bytes.LongLength;
                    if (pointer < pair.Key || pointer >= pair.Key + size) continue;
                    bool reachable = pair.Value.Device == device || _peerAccess.Contains((device, pair.Value.Device));
                    if (!reachable || bytes > pair.Key + size - pointer) break;
                    return (pair.Value.Bytes, (long)(pointer - pair.Key), pair.Value.Device == device ? Place.Local : Place.Peer);
                }

                foreach (HostAllocation h in _host.Values)
                {
                    if (h.DeviceAddress is not ulong start) continue;
                    ulong size = (ulong)h.Bytes.LongLength;
                    if (pointer < start || pointer >= start + size) continue;
                    if (bytes > start + size - pointer) break;
                    return (h.Bytes, (long)(pointer - start), Place.Host);
                }
            }

            throw Fail(CudaResult.CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel");
        }

        /// <summary>The device whose live allocation holds an address (-1: none, which the range check then refuses).</summary>
        internal int OwnerOf(ulong pointer)
        {
            lock (_lock)
            {
                foreach (var pair in _allocations)
                {
                    if (pointer >= pair.Key && pointer < pair.Key + (ulong)pair.Value.Bytes.LongLength) return pair.Value.Device;
                }
            }

            return -1;
        }

        // Called with the lock held when a device's last lease ends: cuCtxDestroy frees its host memory and ends its peer access.
        private void ReleaseBandwidthState(int device)
        {
            foreach (IntPtr h in _host.Where(a => a.Value.Device == device).Select(a => a.Key).ToList()) _host.Remove(h);
            _peerAccess.RemoveWhere(p => p.From == device || p.To == device);
        }

        private sealed class HostAllocation
        {
            public HostAllocation(int device, byte[] bytes, ulong? deviceAddress)
            {
                Device = device;
                Bytes = bytes;
                DeviceAddress = deviceAddress;
            }

            public int Device { get; }

            public byte[] Bytes { get; }

            public ulong? DeviceAddress { get; }
        }
    }
}
