using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// cuBLASLt (libcublasLt.so.N / cublasLt64_N.dll), bound like <see cref="CudaDriver"/>. cuBLASLt rather than
    /// cublasGemmEx: it exposes the candidate algorithms for a problem (cublasLtMatmulAlgoGetHeuristic), which
    /// the benchmark times to keep the fastest, and it is the only cuBLAS entry point for FP8.
    /// </summary>
    internal sealed unsafe class CuBlasLt
    {
        /// <summary>cublasLtMatmulHeuristicResult_t: a 64-byte algorithm, workspace size, state, waves, reserved.</summary>
        public const int HeuristicResultBytes = 96;
        public const int AlgoBytes = 64;

        private readonly ExportTable _exports;

        private CuBlasLt(NativeLibraryHandle library, string path, IReadOnlyList<ProbeAttempt> attempts, ulong version)
        {
            LibraryPath = path;
            Attempts = attempts;
            Version = version;
            _exports = new ExportTable(library, NativeLibraryKind.CuBlasLt, path, "cuBLASLt 11");
        }

        public string LibraryPath { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        /// <summary>cublasLtGetVersion: major*10000 + minor*100 + patch (130100 is 13.1.0).</summary>
        public ulong Version { get; }

        public string VersionText => $"{Version / 10000}.{Version % 10000 / 100}.{Version % 100}";

        public static CuBlasLt Load(ProbeEnvironment environment, INativeLoader loader)
        {
            ulong version = 0;
            ProbeResult probe = LibraryProbe.Load(NativeLibraryKind.CuBlasLt, LibraryCandidates.For(NativeLibraryKind.CuBlasLt, environment), loader,
                library =>
                {
                    IntPtr getVersion = library.GetExport("cublasLtGetVersion");
                    if (getVersion == IntPtr.Zero) return "it does not export cublasLtGetVersion, so it is not cuBLASLt";
                    version = (ulong)((delegate* unmanaged[Cdecl]<UIntPtr>)getVersion)();
                    return version == 0 ? "cublasLtGetVersion returned 0" : null;
                });
            return new CuBlasLt(probe.Handle, probe.Handle.ResolveLoadedPath("cublasLtGetVersion"), probe.Attempts, version);
        }

        private IntPtr Fn(string name) => _exports.Get(name);

        public void ThrowIfFailed(CuBlasStatus status, [CallerArgumentExpression("status")] string? call = null)
        {
            if (status != CuBlasStatus.CUBLAS_STATUS_SUCCESS) throw CuBlasErrors.Create(_exports, "cublasLt", status, call);
        }

        public CuBlasStatus cublasLtCreate(out IntPtr handle)
        {
            IntPtr h;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, CuBlasStatus>)Fn("cublasLtCreate"))(&h);
            handle = h;
            return r;
        }

        public CuBlasStatus cublasLtDestroy(IntPtr handle) => ((delegate* unmanaged[Cdecl]<IntPtr, CuBlasStatus>)Fn("cublasLtDestroy"))(handle);

        public CuBlasStatus cublasLtMatmulDescCreate(out IntPtr desc, CuBlasComputeType compute, CudaDataType scale)
        {
            IntPtr d;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, CuBlasComputeType, CudaDataType, CuBlasStatus>)Fn("cublasLtMatmulDescCreate"))(&d, compute, scale);
            desc = d;
            return r;
        }

        public CuBlasStatus cublasLtMatmulDescDestroy(IntPtr desc) => ((delegate* unmanaged[Cdecl]<IntPtr, CuBlasStatus>)Fn("cublasLtMatmulDescDestroy"))(desc);

        public CuBlasStatus cublasLtMatmulDescSetAttribute(IntPtr desc, CuBlasLtMatmulDescAttribute attribute, void* value, ulong bytes) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, CuBlasLtMatmulDescAttribute, void*, UIntPtr, CuBlasStatus>)Fn("cublasLtMatmulDescSetAttribute"))(desc, attribute, value, new UIntPtr(bytes));

        public CuBlasStatus cublasLtMatrixLayoutCreate(out IntPtr layout, CudaDataType type, ulong rows, ulong cols, long ld)
        {
            IntPtr l;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, CudaDataType, ulong, ulong, long, CuBlasStatus>)Fn("cublasLtMatrixLayoutCreate"))(&l, type, rows, cols, ld);
            layout = l;
            return r;
        }

        public CuBlasStatus cublasLtMatrixLayoutDestroy(IntPtr layout) => ((delegate* unmanaged[Cdecl]<IntPtr, CuBlasStatus>)Fn("cublasLtMatrixLayoutDestroy"))(layout);

        public CuBlasStatus cublasLtMatmulPreferenceCreate(out IntPtr preference)
        {
            IntPtr p;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr*, CuBlasStatus>)Fn("cublasLtMatmulPreferenceCreate"))(&p);
            preference = p;
            return r;
        }

        public CuBlasStatus cublasLtMatmulPreferenceDestroy(IntPtr preference) => ((delegate* unmanaged[Cdecl]<IntPtr, CuBlasStatus>)Fn("cublasLtMatmulPreferenceDestroy"))(preference);

        /// <summary>Sets CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES (attribute 1, uint64).</summary>
        public CuBlasStatus SetMaxWorkspace(IntPtr preference, ulong bytes) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, int, void*, UIntPtr, CuBlasStatus>)Fn("cublasLtMatmulPreferenceSetAttribute"))(preference, 1, &bytes, new UIntPtr(8));

        public CuBlasStatus cublasLtMatmulAlgoGetHeuristic(IntPtr handle, IntPtr desc, IntPtr a, IntPtr b, IntPtr c, IntPtr d, IntPtr preference, int requested, byte* results, out int returned)
        {
            int n;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, byte*, int*, CuBlasStatus>)Fn("cublasLtMatmulAlgoGetHeuristic"))(handle, desc, a, b, c, d, preference, requested, results, &n);
            returned = n;
            return r;
        }

        public CuBlasStatus cublasLtMatmul(IntPtr handle, IntPtr desc, void* alpha, ulong a, IntPtr aDesc, ulong b, IntPtr bDesc, void* beta, ulong c, IntPtr cDesc, ulong d, IntPtr dDesc, byte* algo, ulong workspace, ulong workspaceBytes, IntPtr stream) =>
            ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void*, ulong, IntPtr, ulong, IntPtr, void*, ulong, IntPtr, ulong, IntPtr, byte*, ulong, UIntPtr, IntPtr, CuBlasStatus>)Fn("cublasLtMatmul"))(
                handle, desc, alpha, a, aDesc, b, bDesc, beta, c, cDesc, d, dDesc, algo, workspace, new UIntPtr(workspaceBytes), stream);
    }
}
