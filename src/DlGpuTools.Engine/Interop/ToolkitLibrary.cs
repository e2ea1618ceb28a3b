using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A CUDA toolkit library (cudart, cuBLAS, cuDNN) found by the probe, its declared functions resolved on use.
    /// Used by the install checks, which want to know where each library came from and which version it is,
    /// and to call it; the typed bindings sit on top.
    /// </summary>
    internal class ToolkitLibrary
    {
        protected ToolkitLibrary(NativeLibraryHandle handle, string path, IReadOnlyList<ProbeAttempt> attempts, NativeLibraryKind kind)
        {
            Handle = handle;
            LibraryPath = path;
            Attempts = attempts;
            Kind = kind;
        }

        public NativeLibraryKind Kind { get; }

        public string LibraryPath { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        internal NativeLibraryHandle Handle { get; }

        protected static ProbeResult Probe(NativeLibraryKind kind, ProbeEnvironment environment, INativeLoader loader, string provingExport)
        {
            return LibraryProbe.Load(kind, LibraryCandidates.For(kind, environment), loader,
                library => library.GetExport(provingExport) == IntPtr.Zero ? $"it does not export {provingExport}" : null);
        }

        /// <summary>
        /// As <see cref="Probe(NativeLibraryKind, ProbeEnvironment, INativeLoader, string)"/>, and a copy that lacks one of the
        /// binding's eager functions is refused too, with the function and the release that introduced it as the reason.
        /// </summary>
        internal static ProbeResult Probe(
            NativeLibraryKind kind, ProbeEnvironment environment, INativeLoader loader, string provingExport,
                IReadOnlyList<NativeFunction> declarations)
        {
            return LibraryProbe.Load(kind, LibraryCandidates.For(kind, environment), loader, library =>
            {
                if (library.GetExport(provingExport) == IntPtr.Zero) return $"it does not export {provingExport}";
                _ = new NativeFunctionTable(library, kind, library.RequestedPath, declarations);
                return null;
            });
        }

        /// <summary>The declared functions of this library, resolved from the loaded copy.</summary>
        internal NativeFunctionTable Bind(IReadOnlyList<NativeFunction> declarations) =>
            new NativeFunctionTable(Handle, Kind, LibraryPath, declarations);
    }

    /// <summary>The CUDA runtime: only its version queries are needed.</summary>
    internal sealed unsafe partial class CudaRuntimeLibrary : ToolkitLibrary
    {
        private readonly NativeMethods _native;

        private CudaRuntimeLibrary(ProbeResult probe)
            : base(probe.Handle, probe.Handle.ResolveLoadedPath("cudaRuntimeGetVersion"), probe.Attempts, NativeLibraryKind.CudaRuntime)
        {
            _native = new NativeMethods(Bind(NativeDeclarations));
        }

        public static CudaRuntimeLibrary Load(ProbeEnvironment environment, INativeLoader loader) =>
            new CudaRuntimeLibrary(Probe(NativeLibraryKind.CudaRuntime, environment, loader, "cudaRuntimeGetVersion", NativeDeclarations));

        /// <summary>cudaRuntimeGetVersion: 1000*major + 10*minor; 0 when the call fails.</summary>
        public int RuntimeVersion()
        {
            int v;
            return _native.cudaRuntimeGetVersion(&v) == 0 ? v : 0;
        }
    }

    /// <summary>cuBLAS (the classic API): a handle, its version, and SGEMM for the functional check.</summary>
    internal sealed unsafe partial class CuBlasLibrary : ToolkitLibrary
    {
        private readonly NativeMethods _native;

        private CuBlasLibrary(ProbeResult probe)
            : base(probe.Handle, probe.Handle.ResolveLoadedPath("cublasCreate_v2"), probe.Attempts, NativeLibraryKind.CuBlas)
        {
            _native = new NativeMethods(Bind(NativeDeclarations));
        }

        public static CuBlasLibrary Load(ProbeEnvironment environment, INativeLoader loader) =>
            new CuBlasLibrary(Probe(NativeLibraryKind.CuBlas, environment, loader, "cublasCreate_v2", NativeDeclarations));

        public void ThrowIfFailed(CuBlasStatus status,
            [System.Runtime.CompilerServices.CallerArgumentExpression("status")] string? call = null)
        {
            if (status == CuBlasStatus.CUBLAS_STATUS_SUCCESS) return;
            IntPtr name = _native.HasCublasGetStatusName ? _native.cublasGetStatusName(status) : IntPtr.Zero;
            IntPtr text = _native.HasCublasGetStatusString ? _native.cublasGetStatusString(status) : IntPtr.Zero;
            throw CuBlasErrors.Create("cublas", status, name, text, call);
        }

        public CuBlasStatus cublasCreate(out IntPtr handle)
        {
            IntPtr h;
            var r = _native.cublasCreate_v2(&h);
            handle = h;
            return r;
        }

        public CuBlasStatus cublasDestroy(IntPtr handle) => _native.cublasDestroy_v2(handle);

        public CuBlasStatus cublasGetVersion(IntPtr handle, out int version)
        {
            int v;
            var r = _native.cublasGetVersion_v2(handle, &v);
            version = v;
            return r;
        }

        /// <summary>
        /// The library's own version (major.minor.patch) through cublasGetProperty, which needs no handle and so no
        /// GPU context; null where the export is missing or refuses. The report and the install check both use it, so
        /// they say the same ("13.1.0", where the file name gave only "13").
        /// </summary>
        public string? PropertyVersion()
        {
            if (!_native.HasCublasGetProperty) return null;
            var parts = new int[3];
            for (int property = 0; property < 3; property++)
            {
                int value;
                // libraryPropertyType: MAJOR_VERSION 0, MINOR_VERSION 1, PATCH_LEVEL 2.
                if (_native.cublasGetProperty(property, &value) != CuBlasStatus.CUBLAS_STATUS_SUCCESS) return null;
                parts[property] = value;
            }

            return $"{parts[0]}.{parts[1]}.{parts[2]}";
        }

        /// <summary>CUBLAS_PEDANTIC_MATH (2): no TF32 or other shortcut, so SGEMM is checked as strict FP32.</summary>
        public CuBlasStatus cublasSetMathMode(IntPtr handle, int mode) => _native.cublasSetMathMode(handle, mode);

        public CuBlasStatus cublasSgemm(IntPtr handle, int m, int n, int k, ulong a, int lda, ulong b, int ldb, ulong c, int ldc)
        {
            float alpha = 1, beta = 0;
            return _native.cublasSgemm_v2(handle, 0, 0, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc);
        }
    }
}
