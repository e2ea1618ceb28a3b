using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A CUDA toolkit library (cudart, cuBLAS, cuDNN) found by the probe, with its exports resolved on use.
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
            Exports = new ExportTable(handle, kind, path, null);
        }

        public NativeLibraryKind Kind { get; }

        public string LibraryPath { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        internal NativeLibraryHandle Handle { get; }

        internal ExportTable Exports { get; }

        protected static ProbeResult Probe(NativeLibraryKind kind, ProbeEnvironment environment, INativeLoader loader, string provingExport)
        {
            return LibraryProbe.Load(kind, LibraryCandidates.For(kind, environment), loader,
                library => library.GetExport(provingExport) == IntPtr.Zero ? $"it does not export {provingExport}" : null);
        }
    }

    /// <summary>The CUDA runtime: only its version queries are needed.</summary>
    internal sealed unsafe class CudaRuntimeLibrary : ToolkitLibrary
    {
        private CudaRuntimeLibrary(ProbeResult probe)
            : base(probe.Handle, probe.Handle.ResolveLoadedPath("cudaRuntimeGetVersion"), probe.Attempts, NativeLibraryKind.CudaRuntime)
        {
        }

        public static CudaRuntimeLibrary Load(ProbeEnvironment environment, INativeLoader loader) =>
            new CudaRuntimeLibrary(Probe(NativeLibraryKind.CudaRuntime, environment, loader, "cudaRuntimeGetVersion"));

        /// <summary>cudaRuntimeGetVersion: 1000*major + 10*minor; 0 when the call fails.</summary>
        public int RuntimeVersion()
        {
            int v;
            return ((delegate* unmanaged[Cdecl]<int*, int>)Exports.Get("cudaRuntimeGetVersion"))(&v) == 0 ? v : 0;
        }
    }

    /// <summary>cuBLAS (the classic API): a handle, its version, and SGEMM for the functional check.</summary>
    internal sealed unsafe class CuBlasLibrary : ToolkitLibrary
    {
        private CuBlasLibrary(ProbeResult probe)
            : base(probe.Handle, probe.Handle.ResolveLoadedPath("cublasCreate_v2"), probe.Attempts, NativeLibraryKind.CuBlas)
        {
        }

        public static CuBlasLibrary Load(ProbeEnvironment environment, INativeLoader loader) =>
            new CuBlasLibrary(Probe(NativeLibraryKind.CuBlas, environment, loader, "cublasCreate_v2"));

        public void ThrowIfFailed(CuBlasStatus status, [System.Runtime.CompilerServices.CallerArgumentExpression("status")] string? call = null)
        {
            if (status != CuBlasStatus.CUBLAS_STATUS_SUCCESS) throw CuBlasErrors.Create(Exports, "cublas", status, call);
        }

        public CuBlasStatus cublasCreate(out IntPtr handle)
        {
            IntPtr h;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, CuBlasStatus>)Exports.Get("cublasCreate_v2"))(&h);
            handle = h;
            return r;
        }

        public CuBlasStatus cublasDestroy(IntPtr handle) => ((delegate* unmanaged[Cdecl]<IntPtr, CuBlasStatus>)Exports.Get("cublasDestroy_v2"))(handle);

        public CuBlasStatus cublasGetVersion(IntPtr handle, out int version)
        {
            int v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, int*, CuBlasStatus>)Exports.Get("cublasGetVersion_v2"))(handle, &v);
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
            IntPtr get = Exports.TryGet("cublasGetProperty");
            if (get == IntPtr.Zero) return null;
            var parts = new int[3];
            for (int property = 0; property < 3; property++)
            {
                int value;
                // libraryPropertyType: MAJOR_VERSION 0, MINOR_VERSION 1, PATCH_LEVEL 2.
                if (((delegate* unmanaged[Cdecl]<int, int*, CuBlasStatus>)get)(property, &value) != CuBlasStatus.CUBLAS_STATUS_SUCCESS) return null;
                parts[property] = value;
            }

            return $"{parts[0]}.{parts[1]}.{parts[2]}";
        }

        /// <summary>CUBLAS_PEDANTIC_MATH (2): no TF32 or other shortcut, so SGEMM is checked as strict FP32.</summary>
        public CuBlasStatus cublasSetMathMode(IntPtr handle, int mode) => ((delegate* unmanaged[Cdecl]<IntPtr, int, CuBlasStatus>)Exports.Get("cublasSetMathMode"))(handle, mode);

        public CuBlasStatus cublasSgemm(IntPtr handle, int m, int n, int k, ulong a, int lda, ulong b, int ldb, ulong c, int ldc)
        {
            float alpha = 1, beta = 0;
            return ((delegate* unmanaged[Cdecl]<IntPtr, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, CuBlasStatus>)Exports.Get("cublasSgemm_v2"))(
                handle, 0, 0, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc);
        }
    }
}
