using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Driver functions for the bandwidth measurements: modules and kernel launches (PTX compiled by the
    /// driver at load time, so no compiler is needed), page-locked host memory, asynchronous copies, stream
    /// ordering and peer access. Resolved on first use, so an old driver fails only the measurement that needs
    /// the missing function, with a "driver too old" error naming it.
    /// </summary>
    internal sealed unsafe partial class CudaDriver
    {
        /// <summary>cuMemHostAlloc flags (cuda.h).</summary>
        public const uint CU_MEMHOSTALLOC_PORTABLE = 0x01;
        public const uint CU_MEMHOSTALLOC_DEVICEMAP = 0x02;

        /// <summary>cuModuleLoadDataEx options (CUjit_option values in cuda.h).</summary>
        private const int CU_JIT_ERROR_LOG_BUFFER = 5;
        private const int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

        /// <summary>
        /// Loads a PTX (or cubin) image into the current context. On failure, <paramref name="errorLog"/> holds
        /// the JIT compiler's error log (empty when the driver wrote none).
        /// </summary>
        public CudaResult cuModuleLoadDataEx(out IntPtr module, byte[] image, out string errorLog)
        {
            const int logSize = 8192;
            byte* log = stackalloc byte[logSize];
            log[0] = 0;
            int* options = stackalloc int[2];
            IntPtr* values = stackalloc IntPtr[2];
            options[0] = CU_JIT_ERROR_LOG_BUFFER;
            values[0] = (IntPtr)log;
            options[1] = CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES;
            values[1] = (IntPtr)logSize;
            IntPtr m;
            CudaResult r;
            fixed (byte* data = image)
            {
                r = _native.cuModuleLoadDataEx(&m, data, 2, options, values);
            }

            module = m;
            errorLog = ReadString(log, logSize);
            return r;
        }

        public CudaResult cuModuleUnload(IntPtr module) =>
            _native.cuModuleUnload(module);

        public CudaResult cuModuleGetFunction(out IntPtr function, IntPtr module, string name)
        {
            byte[] ascii = System.Text.Encoding.ASCII.GetBytes(name + "\0");
            IntPtr f;
            CudaResult r;
            fixed (byte* n = ascii)
            {
                r = _native.cuModuleGetFunction(&f, module, n);
            }

            function = f;
            return r;
        }

        /// <summary>cuLaunchKernel: <paramref name="parameters"/> points at an array of pointers, one to each kernel argument.</summary>
        public CudaResult cuLaunchKernel(IntPtr function, uint gridX, uint blockX, uint sharedBytes, IntPtr stream, IntPtr* parameters) =>
            _native.cuLaunchKernel(
                function, gridX, 1, 1, blockX, 1, 1, sharedBytes, stream, parameters, null);

        public CudaResult cuMemHostAlloc(out IntPtr host, ulong bytes, uint flags)
        {
            IntPtr p;
            var r = _native.cuMemHostAlloc(&p, new UIntPtr(bytes), flags);
            host = p;
            return r;
        }

        public CudaResult cuMemFreeHost(IntPtr host) =>
            _native.cuMemFreeHost(host);

        public CudaResult cuMemHostGetDevicePointer(out ulong device, IntPtr host)
        {
            ulong d;
            var r = _native.cuMemHostGetDevicePointer_v2(&d, host, 0);
            device = d;
            return r;
        }

        public CudaResult cuMemcpyDtoDAsync(ulong destination, ulong source, ulong bytes, IntPtr stream) =>
            _native.cuMemcpyDtoDAsync_v2(destination, source, new UIntPtr(bytes), stream);

        public CudaResult cuStreamWaitEvent(IntPtr stream, IntPtr cudaEvent) =>
            _native.cuStreamWaitEvent(stream, cudaEvent, 0);

        public CudaResult cuDeviceCanAccessPeer(out bool canAccess, int device, int peer)
        {
            int v;
            var r = _native.cuDeviceCanAccessPeer(&v, device, peer);
            canAccess = v != 0;
            return r;
        }

        /// <summary>
        /// Enables access from the current context to the peer context's memory (CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED is success here).
        /// </summary>
        public CudaResult cuCtxEnablePeerAccess(IntPtr peerContext)
        {
            var r = _native.cuCtxEnablePeerAccess(peerContext, 0);
            return r == CudaResult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED ? CudaResult.CUDA_SUCCESS : r;
        }

        public CudaResult cuMemcpyPeerAsync(ulong destination, IntPtr destinationContext, ulong source, IntPtr sourceContext,
            ulong bytes, IntPtr stream) =>
            _native.cuMemcpyPeerAsync(destination, destinationContext, source, sourceContext, new UIntPtr(bytes), stream);

        /// <summary>
        /// cuDeviceGetP2PAttribute (CUdevice_P2PAttribute: 1 performance rank, 2 access supported, 3 native atomics, 4 CUDA array access).
        /// </summary>
        public CudaResult cuDeviceGetP2PAttribute(out int value, int attribute, int source, int destination)
        {
            int v;
            var r = _native.cuDeviceGetP2PAttribute(&v, attribute, source, destination);
            value = v;
            return r;
        }
    }
}
