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
        private readonly NativeLibraryHandle _library;

        private readonly IntPtr _cuInit;
        private readonly IntPtr _cuDriverGetVersion;
        private readonly IntPtr _cuGetErrorName;
        private readonly IntPtr _cuGetErrorString;
        private readonly IntPtr _cuDeviceGetCount;
        private readonly IntPtr _cuDeviceGet;
        private readonly IntPtr _cuDeviceGetName;
        private readonly IntPtr _cuDeviceTotalMem;
        private readonly IntPtr _cuDeviceGetAttribute;
        private readonly IntPtr _cuDeviceGetPciBusId;
        private readonly IntPtr _cuDeviceGetUuidV2;
        private readonly IntPtr _cuDeviceGetUuid;
        private readonly IntPtr _cuDevicePrimaryCtxRetain;
        private readonly IntPtr _cuDevicePrimaryCtxRelease;
        private readonly IntPtr _cuCtxPushCurrent;
        private readonly IntPtr _cuCtxPopCurrent;
        private readonly IntPtr _cuMemGetInfo;
        private readonly IntPtr _cuMemAlloc;
        private readonly IntPtr _cuMemFree;
        private readonly IntPtr _cuMemcpyHtoD;
        private readonly IntPtr _cuMemcpyDtoH;
        private readonly IntPtr _cuMemsetD8;
        private readonly IntPtr _cuStreamCreate;
        private readonly IntPtr _cuStreamDestroy;
        private readonly IntPtr _cuStreamSynchronize;
        private readonly IntPtr _cuEventCreate;
        private readonly IntPtr _cuEventDestroy;
        private readonly IntPtr _cuEventRecord;
        private readonly IntPtr _cuEventSynchronize;
        private readonly IntPtr _cuEventElapsedTime;
        private readonly IntPtr _cuCtxSynchronize;
        private readonly IntPtr _cuCtxCreate;
        private readonly IntPtr _cuCtxDestroy;

        private CudaDriver(NativeLibraryHandle library, string libraryPath, IReadOnlyList<ProbeAttempt> attempts, int driverApiVersion)
        {
            _library = library;
            LibraryPath = libraryPath;
            Attempts = attempts;
            DriverApiVersion = driverApiVersion;

            _cuInit = library.GetExport("cuInit");
            _cuDriverGetVersion = library.GetExport("cuDriverGetVersion");
            _cuGetErrorName = library.GetExport("cuGetErrorName");
            _cuGetErrorString = library.GetExport("cuGetErrorString");
            _cuDeviceGetCount = library.GetExport("cuDeviceGetCount");
            _cuDeviceGet = library.GetExport("cuDeviceGet");
            _cuDeviceGetName = library.GetExport("cuDeviceGetName");
            _cuDeviceTotalMem = library.GetExport("cuDeviceTotalMem_v2");
            _cuDeviceGetAttribute = library.GetExport("cuDeviceGetAttribute");
            _cuDeviceGetPciBusId = library.GetExport("cuDeviceGetPCIBusId");
            _cuDeviceGetUuidV2 = library.GetExport("cuDeviceGetUuid_v2");
            _cuDeviceGetUuid = library.GetExport("cuDeviceGetUuid");
            _cuDevicePrimaryCtxRetain = library.GetExport("cuDevicePrimaryCtxRetain");
            _cuDevicePrimaryCtxRelease = library.GetExport("cuDevicePrimaryCtxRelease_v2");
            _cuCtxPushCurrent = library.GetExport("cuCtxPushCurrent_v2");
            _cuCtxPopCurrent = library.GetExport("cuCtxPopCurrent_v2");
            _cuMemGetInfo = library.GetExport("cuMemGetInfo_v2");
            _cuMemAlloc = library.GetExport("cuMemAlloc_v2");
            _cuMemFree = library.GetExport("cuMemFree_v2");
            _cuMemcpyHtoD = library.GetExport("cuMemcpyHtoD_v2");
            _cuMemcpyDtoH = library.GetExport("cuMemcpyDtoH_v2");
            _cuMemsetD8 = library.GetExport("cuMemsetD8_v2");
            _cuStreamCreate = library.GetExport("cuStreamCreate");
            _cuStreamDestroy = library.GetExport("cuStreamDestroy_v2");
            _cuStreamSynchronize = library.GetExport("cuStreamSynchronize");
            _cuEventCreate = library.GetExport("cuEventCreate");
            _cuEventDestroy = library.GetExport("cuEventDestroy_v2");
            _cuEventRecord = library.GetExport("cuEventRecord");
            _cuEventSynchronize = library.GetExport("cuEventSynchronize");
            _cuEventElapsedTime = library.GetExport("cuEventElapsedTime");
            _cuCtxSynchronize = library.GetExport("cuCtxSynchronize");
            _cuCtxCreate = library.GetExport("cuCtxCreate_v2");
            _cuCtxDestroy = library.GetExport("cuCtxDestroy_v2");
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
            if (!PlatformInfo.Is64BitProcess) throw new PlatformNotSupportedException("DlGpuTools needs a 64-bit process: NVIDIA ships no 32-bit CUDA libraries.");
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
            IntPtr getVersion = library.GetExport("cuDriverGetVersion");
            if (getVersion == IntPtr.Zero) return "it does not export cuDriverGetVersion, so it is not a CUDA driver library";
            int v;
            var result = ((delegate* unmanaged[Cdecl]<int*, CudaResult>)getVersion)(&v);
            if (result == CudaResult.CUDA_ERROR_STUB_LIBRARY) return "it is the CUDA toolkit's link stub (CUDA_ERROR_STUB_LIBRARY), not the driver";
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
            if (_cuGetErrorName != IntPtr.Zero)
            {
                IntPtr p;
                if (((delegate* unmanaged[Cdecl]<CudaResult, IntPtr*, CudaResult>)_cuGetErrorName)(status, &p) == CudaResult.CUDA_SUCCESS && p != IntPtr.Zero)
                    name = Marshal.PtrToStringAnsi(p);
            }

            if (_cuGetErrorString != IntPtr.Zero)
            {
                IntPtr p;
                if (((delegate* unmanaged[Cdecl]<CudaResult, IntPtr*, CudaResult>)_cuGetErrorString)(status, &p) == CudaResult.CUDA_SUCCESS && p != IntPtr.Zero)
                    text = Marshal.PtrToStringAnsi(p);
            }

            // Old drivers lack cuGetErrorName, and unknown codes have no text: fall back to our enum's name.
            name = name ?? (Enum.IsDefined(typeof(CudaResult), status) ? status.ToString() : "CUDA_ERROR_" + (int)status);
            text = text ?? "no description from the driver";
            return new CudaException(status, name, text, call);
        }

        private ExportTable? _lazyExports;

        /// <summary>
        /// A driver function the partial files of this class resolve on first use rather than at load: an old
        /// driver then fails only the command that needs the missing function, with a "driver too old" error.
        /// </summary>
        private IntPtr Lazy(string name, string introducedIn)
        {
            // netstandard2.0's LazyInitializer is not annotated; it never returns null when the factory does not.
            ExportTable table = System.Threading.LazyInitializer.EnsureInitialized(ref _lazyExports, () => new ExportTable(_library, NativeLibraryKind.CudaDriver, LibraryPath, null))
                ?? throw new InvalidOperationException("The driver's export table could not be created.");
            return Require(table.TryGet(name), name, introducedIn);
        }

        private IntPtr Require(IntPtr function, string name, string introducedIn)
        {
            if (function == IntPtr.Zero) throw new NativeEntryPointMissingException(NativeLibraryKind.CudaDriver, LibraryPath, name, introducedIn);
            return function;
        }

        public CudaResult cuInit() =>
            ((delegate* unmanaged[Cdecl]<uint, CudaResult>)Require(_cuInit, "cuInit", "CUDA 2.0"))(0);

        public CudaResult cuDeviceGetCount(out int count)
        {
            int c;
            var r = ((delegate* unmanaged[Cdecl]<int*, CudaResult>)Require(_cuDeviceGetCount, "cuDeviceGetCount", "CUDA 2.0"))(&c);
            count = c;
            return r;
        }

        public CudaResult cuDeviceGet(int ordinal, out int device)
        {
            int d;
            var r = ((delegate* unmanaged[Cdecl]<int*, int, CudaResult>)Require(_cuDeviceGet, "cuDeviceGet", "CUDA 2.0"))(&d, ordinal);
            device = d;
            return r;
        }

        public CudaResult cuDeviceGetName(int device, out string? name)
        {
            byte* buffer = stackalloc byte[256];
            var r = ((delegate* unmanaged[Cdecl]<byte*, int, int, CudaResult>)Require(_cuDeviceGetName, "cuDeviceGetName", "CUDA 2.0"))(buffer, 256, device);
            name = r == CudaResult.CUDA_SUCCESS ? ReadString(buffer, 256) : null;
            return r;
        }

        public CudaResult cuDeviceTotalMem(int device, out ulong bytes)
        {
            UIntPtr b;
            var r = ((delegate* unmanaged[Cdecl]<UIntPtr*, int, CudaResult>)Require(_cuDeviceTotalMem, "cuDeviceTotalMem_v2", "CUDA 3.2"))(&b, device);
            bytes = (ulong)b;
            return r;
        }

        public CudaResult cuDeviceGetAttribute(int device, CudaDeviceAttribute attribute, out int value)
        {
            int v;
            var r = ((delegate* unmanaged[Cdecl]<int*, CudaDeviceAttribute, int, CudaResult>)Require(_cuDeviceGetAttribute, "cuDeviceGetAttribute", "CUDA 2.0"))(&v, attribute, device);
            value = v;
            return r;
        }

        public CudaResult cuDeviceGetPCIBusId(int device, out string? busId)
        {
            byte* buffer = stackalloc byte[64];
            var r = ((delegate* unmanaged[Cdecl]<byte*, int, int, CudaResult>)Require(_cuDeviceGetPciBusId, "cuDeviceGetPCIBusId", "CUDA 4.1"))(buffer, 64, device);
            busId = r == CudaResult.CUDA_SUCCESS ? ReadString(buffer, 64) : null;
            return r;
        }

        /// <summary>The 16-byte device UUID (cuDeviceGetUuid_v2 where the driver has it, as nvidia-smi reports it).</summary>
        public CudaResult cuDeviceGetUuid(int device, out byte[] raw)
        {
            IntPtr function = _cuDeviceGetUuidV2 != IntPtr.Zero ? _cuDeviceGetUuidV2 : Require(_cuDeviceGetUuid, "cuDeviceGetUuid", "CUDA 9.2");
            byte* buffer = stackalloc byte[16];
            var r = ((delegate* unmanaged[Cdecl]<byte*, int, CudaResult>)function)(buffer, device);
            raw = new byte[16];
            for (int i = 0; i < 16; i++) raw[i] = buffer[i];
            return r;
        }

        public CudaResult cuDevicePrimaryCtxRetain(int device, out IntPtr context)
        {
            IntPtr c;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, int, CudaResult>)Require(_cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", "CUDA 7.0"))(&c, device);
            context = c;
            return r;
        }

        public CudaResult cuDevicePrimaryCtxRelease(int device) =>
            ((delegate* unmanaged[Cdecl]<int, CudaResult>)Require(_cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", "CUDA 11.0"))(device);

        /// <summary>Creates a context on the device and makes it current on this thread (pop it to keep the stack balanced).</summary>
        public CudaResult cuCtxCreate(out IntPtr context, uint flags, int device)
        {
            IntPtr c;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, uint, int, CudaResult>)Require(_cuCtxCreate, "cuCtxCreate_v2", "CUDA 3.2"))(&c, flags, device);
            context = c;
            return r;
        }

        public CudaResult cuCtxDestroy(IntPtr context) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CudaResult>)Require(_cuCtxDestroy, "cuCtxDestroy_v2", "CUDA 4.0"))(context);

        public CudaResult cuCtxPushCurrent(IntPtr context) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CudaResult>)Require(_cuCtxPushCurrent, "cuCtxPushCurrent_v2", "CUDA 4.0"))(context);

        public CudaResult cuCtxPopCurrent(out IntPtr context)
        {
            IntPtr c;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, CudaResult>)Require(_cuCtxPopCurrent, "cuCtxPopCurrent_v2", "CUDA 4.0"))(&c);
            context = c;
            return r;
        }

        public CudaResult cuMemGetInfo(out ulong free, out ulong total)
        {
            UIntPtr f, t;
            var r = ((delegate* unmanaged[Cdecl]<UIntPtr*, UIntPtr*, CudaResult>)Require(_cuMemGetInfo, "cuMemGetInfo_v2", "CUDA 3.2"))(&f, &t);
            free = (ulong)f;
            total = (ulong)t;
            return r;
        }

        public CudaResult cuMemAlloc(ulong bytes, out ulong devicePointer)
        {
            ulong p;
            var r = ((delegate* unmanaged[Cdecl]<ulong*, UIntPtr, CudaResult>)Require(_cuMemAlloc, "cuMemAlloc_v2", "CUDA 3.2"))(&p, new UIntPtr(bytes));
            devicePointer = p;
            return r;
        }

        public CudaResult cuMemFree(ulong devicePointer) =>
            ((delegate* unmanaged[Cdecl]<ulong, CudaResult>)Require(_cuMemFree, "cuMemFree_v2", "CUDA 3.2"))(devicePointer);

        public CudaResult cuMemcpyHtoD(ulong destination, IntPtr source, ulong bytes) =>
            ((delegate* unmanaged[Cdecl]<ulong, IntPtr, UIntPtr, CudaResult>)Require(_cuMemcpyHtoD, "cuMemcpyHtoD_v2", "CUDA 3.2"))(destination, source, new UIntPtr(bytes));

        public CudaResult cuMemcpyDtoH(IntPtr destination, ulong source, ulong bytes) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, ulong, UIntPtr, CudaResult>)Require(_cuMemcpyDtoH, "cuMemcpyDtoH_v2", "CUDA 3.2"))(destination, source, new UIntPtr(bytes));

        public CudaResult cuMemsetD8(ulong destination, byte value, ulong count) =>
            ((delegate* unmanaged[Cdecl]<ulong, byte, UIntPtr, CudaResult>)Require(_cuMemsetD8, "cuMemsetD8_v2", "CUDA 3.2"))(destination, value, new UIntPtr(count));

        public CudaResult cuStreamCreate(out IntPtr stream, uint flags)
        {
            IntPtr s;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, uint, CudaResult>)Require(_cuStreamCreate, "cuStreamCreate", "CUDA 2.0"))(&s, flags);
            stream = s;
            return r;
        }

        public CudaResult cuStreamDestroy(IntPtr stream) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CudaResult>)Require(_cuStreamDestroy, "cuStreamDestroy_v2", "CUDA 4.0"))(stream);

        public CudaResult cuStreamSynchronize(IntPtr stream) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CudaResult>)Require(_cuStreamSynchronize, "cuStreamSynchronize", "CUDA 2.0"))(stream);

        public CudaResult cuEventCreate(out IntPtr cudaEvent, uint flags)
        {
            IntPtr e;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, uint, CudaResult>)Require(_cuEventCreate, "cuEventCreate", "CUDA 2.0"))(&e, flags);
            cudaEvent = e;
            return r;
        }

        public CudaResult cuEventDestroy(IntPtr cudaEvent) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CudaResult>)Require(_cuEventDestroy, "cuEventDestroy_v2", "CUDA 4.0"))(cudaEvent);

        public CudaResult cuEventRecord(IntPtr cudaEvent, IntPtr stream) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, CudaResult>)Require(_cuEventRecord, "cuEventRecord", "CUDA 2.0"))(cudaEvent, stream);

        public CudaResult cuEventSynchronize(IntPtr cudaEvent) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CudaResult>)Require(_cuEventSynchronize, "cuEventSynchronize", "CUDA 2.0"))(cudaEvent);

        public CudaResult cuEventElapsedTime(out float milliseconds, IntPtr start, IntPtr end)
        {
            float ms;
            var r = ((delegate* unmanaged[Cdecl]<float*, IntPtr, IntPtr, CudaResult>)Require(_cuEventElapsedTime, "cuEventElapsedTime", "CUDA 2.0"))(&ms, start, end);
            milliseconds = ms;
            return r;
        }

        /// <summary>Waits for all work of the current context (cuDNN and cuBLAS run on the legacy default stream here).</summary>
        public CudaResult cuCtxSynchronize() =>
            ((delegate* unmanaged[Cdecl]<CudaResult>)Require(_cuCtxSynchronize, "cuCtxSynchronize", "CUDA 2.0"))();

        internal static string ReadString(byte* buffer, int capacity)
        {
            int length = 0;
            while (length < capacity && buffer[length] != 0) length++;
            return Encoding.UTF8.GetString(buffer, length);
        }
    }
}
