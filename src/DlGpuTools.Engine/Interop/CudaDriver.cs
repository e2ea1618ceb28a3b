using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The CUDA driver API (libcuda.so.1 / nvcuda.dll), bound through function pointers resolved from the
    /// handle the probe loaded. Why not [DllImport]: the module must bind to exactly the copy the probe
    /// chose and proved (an override path, WSL's folder, a fake in CI), must report a missing export as
    /// "driver too old" instead of an EntryPointNotFoundException at some later call, and must work on
    /// netstandard2.0 where NativeLibrary and resolvers do not exist. All signatures are blittable.
    /// 64-bit processes only: the driver ships no 32-bit compute libraries. Not disposable: the library stays
    /// loaded for the life of the process (see <see cref="NativeLibraryHandle.KeepLoaded"/>).
    /// </summary>
    internal sealed unsafe partial class CudaDriver
    {
        private readonly NativeMethods _native;

        private CudaDriver(NativeLibraryHandle library, string libraryPath, IReadOnlyList<ProbeAttempt> attempts, int driverApiVersion)
        {
            LibraryPath = libraryPath;
            Attempts = attempts;
            DriverApiVersion = driverApiVersion;

            _native = new NativeMethods(new NativeFunctionTable(library, NativeLibraryKind.CudaDriver, libraryPath, NativeDeclarations));
            Contexts = new ContextRegistry(this);
        }

        /// <summary>The contexts the module owns on this driver's devices, shared by the commands that use them.</summary>
        public ContextRegistry Contexts { get; }

        /// <summary>The file the driver library was loaded from.</summary>
        public string LibraryPath { get; }

        /// <summary>Every place the probe looked, in order.</summary>
        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        /// <summary>cuDriverGetVersion: the newest CUDA version this driver supports, encoded 1000*major + 10*minor.</summary>
        public int DriverApiVersion { get; }

        /// <summary>Finds, loads and proves the CUDA driver. Throws <see cref="NativeLibraryNotFoundException"/> with the trace.</summary>
        public static CudaDriver Load(ProbeEnvironment environment, INativeLoader loader)
        {
            if (!PlatformInfo.Is64BitProcess)
                throw new PlatformNotSupportedException("DlGpuTools needs a 64-bit process: NVIDIA ships no 32-bit CUDA libraries.");
            int version = 0;
            ProbeResult probe = LibraryProbe.Load(
                NativeLibraryKind.CudaDriver,
                LibraryCandidates.For(NativeLibraryKind.CudaDriver, environment),
                loader,
                library => Prove(library, out version));
            string path = probe.Handle.ResolveLoadedPath("cuDriverGetVersion");
            return new CudaDriver(probe.Handle, path, probe.Attempts, version);
        }

        // A cheap real call: rejects files that merely share the name, and the toolkit's link stub
        // (stubs/libcuda.so answers every call with CUDA_ERROR_STUB_LIBRARY).
        private static string? Prove(NativeLibraryHandle library, out int version)
        {
            version = 0;
            if (library.GetExport("cuDriverGetVersion") == IntPtr.Zero)
                return "it does not export cuDriverGetVersion, so it is not a CUDA driver library";
            // A driver without one of the eager functions is refused here, the function and its release named.
            var native = new NativeMethods(
                new NativeFunctionTable(library, NativeLibraryKind.CudaDriver, library.RequestedPath, NativeDeclarations));
            int v;
            var result = native.cuDriverGetVersion(&v);
            if (result == CudaResult.CUDA_ERROR_STUB_LIBRARY)
                return "it is the CUDA toolkit's link stub (CUDA_ERROR_STUB_LIBRARY), not the driver";
            if (result != CudaResult.CUDA_SUCCESS) return $"cuDriverGetVersion returned {result} ({(int)result})";
            version = v;
            return null;
        }

        /// <summary>Turns a CUresult into a <see cref="CudaException"/> naming the call; success passes.</summary>
        public void ThrowIfFailed(CudaResult status, [CallerArgumentExpression("status")] string? call = null)
        {
            if (status == CudaResult.CUDA_SUCCESS) return;
            throw CreateException(status, NativeCall.Name(call));
        }

        public CudaException CreateException(CudaResult status, string call)
        {
            string? name = null;
            string? text = null;
            if (_native.HasCuGetErrorName)
            {
                IntPtr p;
                if (_native.cuGetErrorName(status, &p) == CudaResult.CUDA_SUCCESS && p != IntPtr.Zero) name = Marshal.PtrToStringAnsi(p);
            }

            if (_native.HasCuGetErrorString)
            {
                IntPtr p;
                if (_native.cuGetErrorString(status, &p) == CudaResult.CUDA_SUCCESS && p != IntPtr.Zero) text = Marshal.PtrToStringAnsi(p);
            }

            // Old drivers lack cuGetErrorName, and unknown codes have no text: fall back to our enum's name.
            name = name ?? (Enum.IsDefined(typeof(CudaResult), status) ? status.ToString() : "CUDA_ERROR_" + (int)status);
            text = text ?? "no description from the driver";
            return new CudaException(status, name, text, call);
        }

        public CudaResult cuInit() =>
            _native.cuInit(0);

        public CudaResult cuDeviceGetCount(out int count)
        {
            int c;
            var r = _native.cuDeviceGetCount(&c);
            count = c;
            return r;
        }

        public CudaResult cuDeviceGet(int ordinal, out int device)
        {
            int d;
            var r = _native.cuDeviceGet(&d, ordinal);
            device = d;
            return r;
        }

        public CudaResult cuDeviceGetName(int device, out string? name)
        {
            byte* buffer = stackalloc byte[256];
            var r = _native.cuDeviceGetName(buffer, 256, device);
            name = r == CudaResult.CUDA_SUCCESS ? ReadString(buffer, 256) : null;
            return r;
        }

        public CudaResult cuDeviceTotalMem(int device, out ulong bytes)
        {
            UIntPtr b;
            var r = _native.cuDeviceTotalMem_v2(&b, device);
            bytes = (ulong)b;
            return r;
        }

        public CudaResult cuDeviceGetAttribute(int device, CudaDeviceAttribute attribute, out int value)
        {
            int v;
            var r = _native.cuDeviceGetAttribute(&v, attribute, device);
            value = v;
            return r;
        }

        public CudaResult cuDeviceGetPCIBusId(int device, out string? busId)
        {
            byte* buffer = stackalloc byte[64];
            var r = _native.cuDeviceGetPCIBusId(buffer, 64, device);
            busId = r == CudaResult.CUDA_SUCCESS ? ReadString(buffer, 64) : null;
            return r;
        }

        /// <summary>The 16-byte device UUID (cuDeviceGetUuid_v2 where the driver has it, as nvidia-smi reports it).</summary>
        public CudaResult cuDeviceGetUuid(int device, out byte[] raw)
        {
            byte* buffer = stackalloc byte[16];
            var r = _native.HasCuDeviceGetUuid_v2 ? _native.cuDeviceGetUuid_v2(buffer, device) : _native.cuDeviceGetUuid(buffer, device);
            raw = new byte[16];
            for (int i = 0; i < 16; i++) raw[i] = buffer[i];
            return r;
        }

        public CudaResult cuDevicePrimaryCtxRetain(int device, out IntPtr context)
        {
            IntPtr c;
            var r = _native.cuDevicePrimaryCtxRetain(&c, device);
            context = c;
            return r;
        }

        public CudaResult cuDevicePrimaryCtxRelease(int device) =>
            _native.cuDevicePrimaryCtxRelease_v2(device);

        /// <summary>Creates a context on the device and makes it current on this thread (pop it to keep the stack balanced).</summary>
        public CudaResult cuCtxCreate(out IntPtr context, uint flags, int device)
        {
            IntPtr c;
            var r = _native.cuCtxCreate_v2(&c, flags, device);
            context = c;
            return r;
        }

        public CudaResult cuCtxDestroy(IntPtr context) =>
            _native.cuCtxDestroy_v2(context);

        public CudaResult cuCtxPushCurrent(IntPtr context) =>
            _native.cuCtxPushCurrent_v2(context);

        public CudaResult cuCtxPopCurrent(out IntPtr context)
        {
            IntPtr c;
            var r = _native.cuCtxPopCurrent_v2(&c);
            context = c;
            return r;
        }

        public CudaResult cuMemGetInfo(out ulong free, out ulong total)
        {
            UIntPtr f, t;
            var r = _native.cuMemGetInfo_v2(&f, &t);
            free = (ulong)f;
            total = (ulong)t;
            return r;
        }

        public CudaResult cuMemAlloc(ulong bytes, out ulong devicePointer)
        {
            ulong p;
            var r = _native.cuMemAlloc_v2(&p, new UIntPtr(bytes));
            devicePointer = p;
            return r;
        }

        public CudaResult cuMemFree(ulong devicePointer) =>
            _native.cuMemFree_v2(devicePointer);

        public CudaResult cuMemcpyHtoD(ulong destination, IntPtr source, ulong bytes) =>
            _native.cuMemcpyHtoD_v2(destination, source, new UIntPtr(bytes));

        public CudaResult cuMemcpyDtoH(IntPtr destination, ulong source, ulong bytes) =>
            _native.cuMemcpyDtoH_v2(destination, source, new UIntPtr(bytes));

        public CudaResult cuMemsetD8(ulong destination, byte value, ulong count) =>
            _native.cuMemsetD8_v2(destination, value, new UIntPtr(count));

        public CudaResult cuStreamCreate(out IntPtr stream, uint flags)
        {
            IntPtr s;
            var r = _native.cuStreamCreate(&s, flags);
            stream = s;
            return r;
        }

        public CudaResult cuStreamDestroy(IntPtr stream) =>
            _native.cuStreamDestroy_v2(stream);

        public CudaResult cuStreamSynchronize(IntPtr stream) =>
            _native.cuStreamSynchronize(stream);

        public CudaResult cuEventCreate(out IntPtr cudaEvent, uint flags)
        {
            IntPtr e;
            var r = _native.cuEventCreate(&e, flags);
            cudaEvent = e;
            return r;
        }

        public CudaResult cuEventDestroy(IntPtr cudaEvent) =>
            _native.cuEventDestroy_v2(cudaEvent);

        public CudaResult cuEventRecord(IntPtr cudaEvent, IntPtr stream) =>
            _native.cuEventRecord(cudaEvent, stream);

        public CudaResult cuEventSynchronize(IntPtr cudaEvent) =>
            _native.cuEventSynchronize(cudaEvent);

        public CudaResult cuEventElapsedTime(out float milliseconds, IntPtr start, IntPtr end)
        {
            float ms;
            var r = _native.cuEventElapsedTime(&ms, start, end);
            milliseconds = ms;
            return r;
        }

        /// <summary>Waits for all work of the current context (cuDNN and cuBLAS run on the legacy default stream here).</summary>
        public CudaResult cuCtxSynchronize() =>
            _native.cuCtxSynchronize();

        internal static string ReadString(byte* buffer, int capacity)
        {
            int length = 0;
            while (length < capacity && buffer[length] != 0) length++;
            return Encoding.UTF8.GetString(buffer, length);
        }
    }
}
