using System;
using System.Collections.Generic;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork.Port
{
    /// <summary>
    /// <see cref="IGpuPort"/> over the CUDA driver and NVML of one <see cref="GpuRuntime"/>: contexts are the
    /// runtime's leases (safe with several runspaces), every call is the driver's own, and a failure is the driver's
    /// <see cref="CudaException"/> naming the call.
    /// </summary>
    internal sealed unsafe class CudaPort : IGpuPort
    {
        private readonly GpuRuntime _runtime;
        private readonly Lazy<IReadOnlyList<CudaDevice>> _devices;

        public CudaPort(GpuRuntime runtime)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
            _devices = new Lazy<IReadOnlyList<CudaDevice>>(() => DeviceEnumerator.Enumerate(_runtime).Devices);
        }

        private CudaDriver Driver => _runtime.Driver;

        public IReadOnlyList<CudaDevice> Devices() => _devices.Value;

        public IPortLease Lease(int device) => new Leased(_runtime.AcquireContext(device));

        public IPortLease LeasePrimary(int device) => new PrimaryContextLease(Driver, device);

        public (ulong Free, ulong Total) MemoryInfo()
        {
            Driver.ThrowIfFailed(Driver.cuMemGetInfo(out ulong free, out ulong total));
            return (free, total);
        }

        public CudaResult TryAllocate(ulong bytes, out ulong pointer) => Driver.cuMemAlloc(bytes, out pointer);

        // Releases run in finally blocks: the driver's refusal must not replace the exception that is unwinding.
        public void Free(ulong pointer) => Driver.cuMemFree(pointer);

        public PortStream CreateStream()
        {
            // Non-blocking (CU_STREAM_NON_BLOCKING): other work on the legacy stream cannot serialise with the timing.
            Driver.ThrowIfFailed(Driver.cuStreamCreate(out IntPtr stream, 1));
            return new PortStream(stream);
        }

        public void Synchronize(PortStream stream) => Driver.ThrowIfFailed(Driver.cuStreamSynchronize(stream.Handle));

        public bool Idle(PortStream stream)
        {
            CudaResult r = Driver.cuStreamQuery(stream.Handle);
            if (r == CudaResult.CUDA_ERROR_NOT_READY) return false;
            Driver.ThrowIfFailed(r, "cuStreamQuery");
            return true;
        }

        public void Destroy(PortStream stream) => Driver.cuStreamDestroy(stream.Handle);

        public void CopyToDevice(ulong destination, IntPtr source, ulong bytes, PortStream stream) =>
            Driver.ThrowIfFailed(Driver.cuMemcpyHtoDAsync(destination, source, bytes, stream.Handle));

        public void CopyToHost(IntPtr destination, ulong source, ulong bytes, PortStream stream) =>
            Driver.ThrowIfFailed(Driver.cuMemcpyDtoHAsync(destination, source, bytes, stream.Handle));

        public void CopyOnDevice(ulong destination, ulong source, ulong bytes, PortStream stream) =>
            Driver.ThrowIfFailed(Driver.cuMemcpyDtoDAsync(destination, source, bytes, stream.Handle));

        public void CopyToHostNow(IntPtr destination, ulong source, ulong bytes) =>
            Driver.ThrowIfFailed(Driver.cuMemcpyDtoH(destination, source, bytes));

        public void Fill(ulong destination, byte value, ulong bytes, PortStream stream) =>
            Driver.ThrowIfFailed(Driver.cuMemsetD8Async(destination, value, bytes, stream.Handle));

        public PortEvent CreateEvent()
        {
            Driver.ThrowIfFailed(Driver.cuEventCreate(out IntPtr e, 0));
            return new PortEvent(e);
        }

        public void Record(PortEvent gpuEvent, PortStream stream) => Driver.ThrowIfFailed(Driver.cuEventRecord(gpuEvent.Handle,
            stream.Handle));

        public void Synchronize(PortEvent gpuEvent) => Driver.ThrowIfFailed(Driver.cuEventSynchronize(gpuEvent.Handle));

        public float ElapsedMilliseconds(PortEvent start, PortEvent end)
        {
            Driver.ThrowIfFailed(Driver.cuEventElapsedTime(out float ms, start.Handle, end.Handle));
            return ms;
        }

        public void Destroy(PortEvent gpuEvent) => Driver.cuEventDestroy(gpuEvent.Handle);

        public PortModule LoadKernels(string kernels, string ptx, int computeMajor, int computeMinor)
        {
            IntPtr module = PtxLoader.Load(Driver, ptx, kernels, computeMajor, computeMinor, out string directives);
            return new PortModule(module, directives);
        }

        public PortFunction Function(PortModule module, string name) => new PortFunction(PtxLoader.Function(Driver, module.Handle, name),
            name);

        public void Unload(PortModule module) => Driver.cuModuleUnload(module.Handle);

        public void Launch(PortFunction function, uint blocks, uint threadsPerBlock, PortStream stream, params KernelArg[] args)
        {
            // The driver reads each parameter through a pointer to its value; a 32-bit one is the low half of its
            // slot (little-endian, as every platform the driver runs on).
            ulong* values = stackalloc ulong[Math.Max(1, args.Length)];
            IntPtr* pointers = stackalloc IntPtr[Math.Max(1, args.Length)];
            for (int i = 0; i < args.Length; i++)
            {
                values[i] = args[i].Bits;
                pointers[i] = (IntPtr)(values + i);
            }

            Driver.ThrowIfFailed(Driver.cuLaunchKernel(function.Handle, blocks, threadsPerBlock, 0, stream.Handle, pointers));
        }

        public CudaResult DeviceAttribute(int device, CudaDeviceAttribute attribute, out int value) =>
            Driver.cuDeviceGetAttribute(device, attribute, out value);

        public IntPtr AllocateHost(ulong bytes, bool mapped)
        {
            uint flags = CudaDriver.CU_MEMHOSTALLOC_PORTABLE | (mapped ? CudaDriver.CU_MEMHOSTALLOC_DEVICEMAP : 0);
            Driver.ThrowIfFailed(Driver.cuMemHostAlloc(out IntPtr host, bytes, flags), "cuMemHostAlloc");
            return host;
        }

        public void FreeHost(IntPtr host) => Driver.cuMemFreeHost(host);

        public ulong MappedAddress(IntPtr host)
        {
            Driver.ThrowIfFailed(Driver.cuMemHostGetDevicePointer(out ulong address, host), "cuMemHostGetDevicePointer");
            return address;
        }

        public bool CanAccessPeer(int device, int peer)
        {
            Driver.ThrowIfFailed(Driver.cuDeviceCanAccessPeer(out bool can, device, peer), "cuDeviceCanAccessPeer");
            return can;
        }

        public bool EnablePeerAccess(IPortLease peer)
        {
            CudaResult enabled = Driver.cuCtxEnablePeerAccess(ContextOf(peer));
            if (enabled == CudaResult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED || enabled == CudaResult.CUDA_ERROR_NOT_SUPPORTED) return false;
            if (enabled != CudaResult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) Driver.ThrowIfFailed(enabled, "cuCtxEnablePeerAccess");
            return true;
        }

        public void CopyPeer(ulong destination, IPortLease destinationContext, ulong source, IPortLease sourceContext, ulong bytes,
            PortStream stream) =>
            Driver.ThrowIfFailed(Driver.cuMemcpyPeerAsync(
                destination, ContextOf(destinationContext), source, ContextOf(sourceContext), bytes, stream.Handle), "cuMemcpyPeerAsync");

        public void Wait(PortStream stream, PortEvent gpuEvent) =>
            Driver.ThrowIfFailed(Driver.cuStreamWaitEvent(stream.Handle, gpuEvent.Handle), "cuStreamWaitEvent");

        private static IntPtr ContextOf(IPortLease lease) =>
            lease is Leased leased ? leased.Context
                : lease is PrimaryContextLease primary ? primary.Context
                : throw new ArgumentException("A lease of another port.", nameof(lease));

        private sealed class Leased : IPortLease
        {
            private readonly DeviceContext _context;

            public Leased(DeviceContext context)
            {
                _context = context;
            }

            public int Device => _context.Device;

            public IntPtr Context => _context.Handle;

            public IDisposable Enter() => _context.Enter();

            public void Dispose() => _context.Dispose();
        }
    }
}
