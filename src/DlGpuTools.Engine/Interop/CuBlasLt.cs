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
    internal sealed unsafe partial class CuBlasLt
    {
        /// <summary>cublasLtMatmulHeuristicResult_t: a 64-byte algorithm, workspace size, state, waves, reserved.</summary>
        public const int HeuristicResultBytes = 96;
        public const int AlgoBytes = 64;

        private readonly NativeMethods _native;

        private CuBlasLt(NativeLibraryHandle library, string path, IReadOnlyList<ProbeAttempt> attempts, ulong version)
        {
            LibraryPath = path;
            Attempts = attempts;
            Version = version;
            _native = new NativeMethods(new NativeFunctionTable(library, NativeLibraryKind.CuBlasLt, path, NativeDeclarations));
        }

        public string LibraryPath { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        /// <summary>cublasLtGetVersion: major*10000 + minor*100 + patch (130100 is 13.1.0).</summary>
        public ulong Version { get; }

        public string VersionText => $"{Version / 10000}.{Version % 10000 / 100}.{Version % 100}";

        public static CuBlasLt Load(ProbeEnvironment environment, INativeLoader loader)
        {
            ulong version = 0;
            ProbeResult probe = LibraryProbe.Load(NativeLibraryKind.CuBlasLt,
                LibraryCandidates.For(NativeLibraryKind.CuBlasLt, environment), loader,
                library =>
                {
                    if (library.GetExport("cublasLtGetVersion") == IntPtr.Zero)
                        return "it does not export cublasLtGetVersion, so it is not cuBLASLt";
                    var table = new NativeFunctionTable(library, NativeLibraryKind.CuBlasLt, library.RequestedPath, NativeDeclarations);
                    var native = new NativeMethods(table);
                    version = (ulong)native.cublasLtGetVersion();
                    return version == 0 ? "cublasLtGetVersion returned 0" : null;
                });
            return new CuBlasLt(probe.Handle, probe.Handle.ResolveLoadedPath("cublasLtGetVersion"), probe.Attempts, version);
        }

        public void ThrowIfFailed(CuBlasStatus status, [CallerArgumentExpression("status")] string? call = null)
        {
            if (status == CuBlasStatus.CUBLAS_STATUS_SUCCESS) return;
            IntPtr name = _native.HasCublasLtGetStatusName ? _native.cublasLtGetStatusName(status) : IntPtr.Zero;
            IntPtr text = _native.HasCublasLtGetStatusString ? _native.cublasLtGetStatusString(status) : IntPtr.Zero;
            throw CuBlasErrors.Create("cublasLt", status, name, text, call);
        }

        public CuBlasStatus cublasLtCreate(out IntPtr handle)
        {
            IntPtr h;
            var r = _native.cublasLtCreate(&h);
            handle = h;
            return r;
        }

        public CuBlasStatus cublasLtDestroy(IntPtr handle) => _native.cublasLtDestroy(handle);

        public CuBlasStatus cublasLtMatmulDescCreate(out IntPtr desc, CuBlasComputeType compute, CudaDataType scale)
        {
            IntPtr d;
            var r = _native.cublasLtMatmulDescCreate(&d, compute, scale);
            desc = d;
            return r;
        }

        public CuBlasStatus cublasLtMatmulDescDestroy(IntPtr desc) => _native.cublasLtMatmulDescDestroy(desc);

        public CuBlasStatus cublasLtMatmulDescSetAttribute(IntPtr desc, CuBlasLtMatmulDescAttribute attribute, void* value, ulong bytes) =>
            _native.cublasLtMatmulDescSetAttribute(desc, attribute, value, new UIntPtr(bytes));

        public CuBlasStatus cublasLtMatrixLayoutCreate(out IntPtr layout, CudaDataType type, ulong rows, ulong cols, long ld)
        {
            IntPtr l;
            var r = _native.cublasLtMatrixLayoutCreate(&l, type, rows, cols, ld);
            layout = l;
            return r;
        }

        public CuBlasStatus cublasLtMatrixLayoutDestroy(IntPtr layout) => _native.cublasLtMatrixLayoutDestroy(layout);

        public CuBlasStatus cublasLtMatmulPreferenceCreate(out IntPtr preference)
        {
            IntPtr p;
            var r = _native.cublasLtMatmulPreferenceCreate(&p);
            preference = p;
            return r;
        }

        public CuBlasStatus cublasLtMatmulPreferenceDestroy(IntPtr preference) => _native.cublasLtMatmulPreferenceDestroy(preference);

        /// <summary>Sets CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES (attribute 1, uint64).</summary>
        public CuBlasStatus SetMaxWorkspace(IntPtr preference, ulong bytes) =>
            _native.cublasLtMatmulPreferenceSetAttribute(preference, 1, &bytes, new UIntPtr(8));

        public CuBlasStatus cublasLtMatmulAlgoGetHeuristic(IntPtr handle, IntPtr desc, IntPtr a, IntPtr b, IntPtr c, IntPtr d,
            IntPtr preference, int requested, byte* results, out int returned)
        {
            int n;
            var r = _native.cublasLtMatmulAlgoGetHeuristic(handle, desc, a, b, c, d, preference, requested, results, &n);
            returned = n;
            return r;
        }

        public CuBlasStatus cublasLtMatmul(IntPtr handle, IntPtr desc, void* alpha, ulong a, IntPtr aDesc, ulong b, IntPtr bDesc,
            void* beta, ulong c, IntPtr cDesc, ulong d, IntPtr dDesc, byte* algo, ulong workspace, ulong workspaceBytes, IntPtr stream) =>
            _native.cublasLtMatmul(
                handle, desc, alpha, a, aDesc, b, bDesc, beta, c, cDesc, d, dDesc, algo, workspace, new UIntPtr(workspaceBytes), stream);
    }
}
