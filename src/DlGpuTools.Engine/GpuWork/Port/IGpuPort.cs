using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork.Port
{
    /// <summary>
    /// The narrow surface the shared GPU work runs on: enumerate, lease a context, allocate, copy, launch and
    /// time. What NVML and the OS say of the machine is not GPU work and stays off it (a bandwidth test reads it
    /// through IGpuSurroundings). <see cref="CudaPort"/> is the CUDA driver; the test project's managed fake behaves like it
    /// where it matters (a context current per thread, bounds, stream work run at synchronisation points, event
    /// times from a simulated clock), so engine logic over this port runs in-process, in parallel, on any OS.
    /// Every call except <see cref="Devices"/> and the leases works in the context the
    /// calling thread entered, as the driver does. Releases (<c>Free</c>, <c>Destroy</c>, <c>Unload</c>) run in finally
    /// blocks, so the real port does not throw from them; the fake does, since a double release is an engine bug.
    /// </summary>
    internal interface IGpuPort
    {
        /// <summary>The devices, in CUDA ordinal order.</summary>
        IReadOnlyList<CudaDevice> Devices();

        /// <summary>A lease on the module's context of a device (the first creates it, the last destroys it).</summary>
        IPortLease Lease(int device);

        /// <summary>
        /// A lease on the device's primary context (cuDevicePrimaryCtxRetain; the last release lets the driver destroy it), for
        /// work that shares its context with a library that selects devices through the runtime API, as NCCL does.
        /// </summary>
        IPortLease LeasePrimary(int device);

        /// <summary>Free and total memory of the current context's device.</summary>
        (ulong Free, ulong Total) MemoryInfo();

        /// <summary>Device memory; the driver's answer rather than an exception, for callers that take what they can get.</summary>
        CudaResult TryAllocate(ulong bytes, out ulong pointer);

        void Free(ulong pointer);

        PortStream CreateStream();

        void Synchronize(PortStream stream);

        /// <summary>Whether all work queued on the stream is done, without waiting (cuStreamQuery: NOT_READY is false).</summary>
        bool Idle(PortStream stream);

        void Destroy(PortStream stream);

        void CopyToDevice(ulong destination, IntPtr source, ulong bytes, PortStream stream);

        void CopyToHost(IntPtr destination, ulong source, ulong bytes, PortStream stream);

        void CopyOnDevice(ulong destination, ulong source, ulong bytes, PortStream stream);

        /// <summary>A copy to the host that returns once the bytes are there (cuMemcpyDtoH).</summary>
        void CopyToHostNow(IntPtr destination, ulong source, ulong bytes);

        void Fill(ulong destination, byte value, ulong bytes, PortStream stream);

        PortEvent CreateEvent();

        void Record(PortEvent gpuEvent, PortStream stream);

        void Synchronize(PortEvent gpuEvent);

        /// <summary>Milliseconds between two recorded, completed events.</summary>
        float ElapsedMilliseconds(PortEvent start, PortEvent end);

        void Destroy(PortEvent gpuEvent);

        /// <summary>Loads PTX text into the current context (<see cref="PtxLoader"/>'s directives and fallback).</summary>
        PortModule LoadKernels(string kernels, string ptx, int computeMajor, int computeMinor);

        PortFunction Function(PortModule module, string name);

        void Unload(PortModule module);

        void Launch(PortFunction function, uint blocks, uint threadsPerBlock, PortStream stream, params KernelArg[] args);

        /// <summary>One attribute of a device (cuDeviceGetAttribute); the driver's answer, for callers with a fallback.</summary>
        CudaResult DeviceAttribute(int device, CudaDeviceAttribute attribute, out int value);

        /// <summary>
        /// Page-locked host memory (cuMemHostAlloc, portable; <paramref name="mapped"/> also maps it into the GPUs' address
        /// space). A refusal (the OS's locked-memory limit, no memory) is the driver's <see cref="CudaException"/>.
        /// </summary>
        IntPtr AllocateHost(ulong bytes, bool mapped);

        void FreeHost(IntPtr host);

        /// <summary>Where the current context's kernels reach mapped host memory (cuMemHostGetDevicePointer).</summary>
        ulong MappedAddress(IntPtr host);

        /// <summary>Whether <paramref name="device"/>'s kernels and copies can reach <paramref name="peer"/>'s memory.</summary>
        bool CanAccessPeer(int device, int peer);

        /// <summary>
        /// Lets the current context reach <paramref name="peer"/>'s memory, for the life of the context. True when access
        /// is on (now or already); false when the driver does not support it; any other refusal is an exception.
        /// </summary>
        bool EnablePeerAccess(IPortLease peer);

        /// <summary>A copy between two contexts' memory, queued on a stream of the current context (cuMemcpyPeerAsync).</summary>
        void CopyPeer(ulong destination, IPortLease destinationContext, ulong source, IPortLease sourceContext, ulong bytes,
            PortStream stream);

        /// <summary>Later work on <paramref name="stream"/> waits for <paramref name="gpuEvent"/> (cuStreamWaitEvent).</summary>
        void Wait(PortStream stream, PortEvent gpuEvent);
    }

    /// <summary>A context lease: <see cref="Enter"/> makes the context current on the calling thread until disposed, there.</summary>
    internal interface IPortLease : IDisposable
    {
        int Device { get; }

        IDisposable Enter();
    }

    /// <summary>A stream of the current context (the driver's handle, or the fake's number).</summary>
    internal readonly struct PortStream
    {
        public PortStream(IntPtr handle)
        {
            Handle = handle;
        }

        public IntPtr Handle { get; }
    }

    internal readonly struct PortEvent
    {
        public PortEvent(IntPtr handle)
        {
            Handle = handle;
        }

        public IntPtr Handle { get; }
    }

    internal sealed class PortModule
    {
        public PortModule(IntPtr handle, string directives)
        {
            Handle = handle;
            Directives = directives;
        }

        public IntPtr Handle { get; }

        /// <summary>The PTX ISA and target the driver accepted.</summary>
        public string Directives { get; }
    }

    internal readonly struct PortFunction
    {
        public PortFunction(IntPtr handle, string name)
        {
            Handle = handle;
            Name = name;
        }

        public IntPtr Handle { get; }

        public string Name { get; }
    }

    /// <summary>One kernel parameter: a 32- or 64-bit value, as the kernel's .param declares it.</summary>
    internal readonly struct KernelArg
    {
        private KernelArg(ulong bits, int size)
        {
            Bits = bits;
            Size = size;
        }

        public ulong Bits { get; }

        public int Size { get; }

        public static KernelArg U64(ulong value) => new KernelArg(value, 8);

        public static KernelArg U32(uint value) => new KernelArg(value, 4);
    }
}
