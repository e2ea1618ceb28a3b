using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A loaded CPU BLAS: its CBLAS GEMMs (column-major, no transposes, alpha 1, beta 0), its BF16 GEMM where it has
    /// one, and its thread control. The symbol spelling is found once: plain CBLAS (cblas_sgemm), the renamed
    /// 64-bit-integer copy numpy wheels carry (scipy_cblas_sgemm64_), scipy's 32-bit one (scipy_cblas_sgemm), and
    /// the older numpy wheels' cblas_sgemm64_. Every call's arguments are checked here first, because a BLAS that
    /// sees a bad argument calls xerbla, and netlib's xerbla ends the process.
    /// </summary>
    internal sealed unsafe class CpuBlasLibrary
    {
        internal const int ColMajor = 102;
        internal const int NoTrans = 111;

        private static readonly (string Prefix, string Suffix, bool Int64)[] Spellings =
        {
            (string.Empty, string.Empty, false),
            ("scipy_", "64_", true),
            ("scipy_", string.Empty, false),
            (string.Empty, "64_", true),
        };

        private readonly NativeLibraryHandle _handle;
        private readonly IntPtr _sgemm, _dgemm, _bf16, _getThreads, _setThreads;
        private readonly bool _setThreadsTakesLong;

        /// <summary>
        /// The Fortran spellings tried when no CBLAS sgemm is exported: PyTorch's libtorch_cpu.so exports MKL's
        /// Fortran GEMMs (sgemm_, dgemm_) and its BF16 CBLAS call, but not cblas_sgemm.
        /// </summary>
        private static readonly (string Single, string Double)[] FortranSpellings = { ("sgemm_", "dgemm_"), ("sgemm", "dgemm"), ("SGEMM", "DGEMM") };

        private CpuBlasLibrary(NativeLibraryHandle handle, string path, string origin, IntPtr sgemm, string prefix, string suffix, bool int64, string? fortranDouble = null)
        {
            _handle = handle;
            LibraryPath = path;
            Origin = origin;
            _sgemm = sgemm;
            SymbolPrefix = prefix;
            SymbolSuffix = suffix;
            Int64Indices = int64;
            Fortran = fortranDouble != null;
            _dgemm = Fortran ? handle.GetExport(fortranDouble!) : Export("cblas_dgemm");

            // BF16: MKL's cblas_gemm_bf16bf16f32, else OpenBLAS's cblas_sbgemm (built only for CPUs with BF16 support).
            _bf16 = Export("cblas_gemm_bf16bf16f32");
            Bf16Routine = _bf16 != IntPtr.Zero ? "cblas_gemm_bf16bf16f32" : null;
            if (_bf16 == IntPtr.Zero)
            {
                _bf16 = Export("cblas_sbgemm");
                if (_bf16 != IntPtr.Zero) Bf16Routine = "cblas_sbgemm";
            }

            IntPtr mklVersion = handle.GetExport("mkl_get_version_string");
            if (mklVersion == IntPtr.Zero) mklVersion = handle.GetExport("MKL_Get_Version_String");
            IntPtr openBlasConfig = Export("openblas_get_config");
            IntPtr blisVersion = handle.GetExport("bli_info_get_version_str");
            if (mklVersion != IntPtr.Zero)
            {
                Family = path.IndexOf("torch_cpu", StringComparison.OrdinalIgnoreCase) >= 0 ? BlasFamily.MklInPyTorch : BlasFamily.Mkl;
                var buffer = new byte[256];
                fixed (byte* b = buffer)
                {
                    ((delegate* unmanaged[Cdecl]<byte*, int, void>)mklVersion)(b, buffer.Length - 1);
                    Config = Marshal.PtrToStringAnsi((IntPtr)b)?.Trim() ?? string.Empty;
                }

                Version = Match(Config, @"Version\s+([\d.]+(?:\s+Update\s+\d+)?)");
                (_getThreads, _setThreads, ThreadControl) = FirstPair(("mkl_get_max_threads", "mkl_set_num_threads"), ("MKL_Get_Max_Threads", "MKL_Set_Num_Threads"), ("omp_get_max_threads", "omp_set_num_threads"));
            }
            else if (openBlasConfig != IntPtr.Zero)
            {
                Family = BlasFamily.OpenBlas;
                Config = Marshal.PtrToStringAnsi(((delegate* unmanaged[Cdecl]<IntPtr>)openBlasConfig)())?.Trim() ?? string.Empty;
                Version = Match(Config, @"OpenBLAS\s+([\d.]+)");
                _getThreads = Export("openblas_get_num_threads");
                _setThreads = Export("openblas_set_num_threads");
                ThreadControl = _setThreads != IntPtr.Zero ? SymbolPrefix + "openblas_set_num_threads" + SymbolSuffix : null;
            }
            else if (blisVersion != IntPtr.Zero)
            {
                Family = BlasFamily.Blis;
                Version = Marshal.PtrToStringAnsi(((delegate* unmanaged[Cdecl]<IntPtr>)blisVersion)())?.Trim();
                Config = "BLIS " + Version;
                _getThreads = handle.GetExport("bli_thread_get_num_threads");
                _setThreads = handle.GetExport("bli_thread_set_num_threads");
                _setThreadsTakesLong = true; // dim_t
                ThreadControl = _setThreads != IntPtr.Zero ? "bli_thread_set_num_threads" : null;
            }
            else
            {
                Family = path.IndexOf("Accelerate", StringComparison.Ordinal) >= 0 ? BlasFamily.Accelerate : BlasFamily.Reference;
                Config = Family == BlasFamily.Accelerate
                    ? "Apple Accelerate"
                    : "no OpenBLAS, MKL or BLIS exports: a reference BLAS (netlib's, unoptimised loops, one thread)";
            }
        }

        public BlasFamily Family { get; }

        /// <summary>True when the GEMMs go through the Fortran interface (sgemm_: arguments by reference), not CBLAS.</summary>
        public bool Fortran { get; }

        /// <summary>The interface the FP32 and FP64 GEMMs use, in words.</summary>
        public string Interface => Fortran ? "Fortran interface (sgemm_, dgemm_)" : "CBLAS (" + SymbolPrefix + "cblas_sgemm" + SymbolSuffix + ")";

        /// <summary>The file the loader mapped (resolved from an export's address where the OS tells).</summary>
        public string LibraryPath { get; }

        /// <summary>Why it was on the candidate list.</summary>
        public string Origin { get; }

        /// <summary>The library's own version, where it says (OpenBLAS 0.3.26: "0.3.26"), else null.</summary>
        public string? Version { get; }

        /// <summary>The library's configuration text (openblas_get_config, mkl_get_version_string).</summary>
        public string Config { get; } = string.Empty;

        public string SymbolPrefix { get; }

        public string SymbolSuffix { get; }

        /// <summary>True for ILP64 builds (numpy's scipy_openblas64): integers are 64-bit.</summary>
        public bool Int64Indices { get; }

        public bool HasDoubleGemm => _dgemm != IntPtr.Zero;

        public bool HasBf16Gemm => _bf16 != IntPtr.Zero;

        /// <summary>The BF16 routine used (cblas_gemm_bf16bf16f32, cblas_sbgemm), or null.</summary>
        public string? Bf16Routine { get; }

        /// <summary>The export that sets the thread count, or null when the library has none (then it decides).</summary>
        public string? ThreadControl { get; }

        /// <summary>A short name for results: "OpenBLAS 0.3.26", "MKL 2024.2 (inside PyTorch)".</summary>
        public string DisplayName
        {
            get
            {
                string name;
                switch (Family)
                {
                    case BlasFamily.Mkl: name = "MKL"; break;
                    case BlasFamily.MklInPyTorch: name = "MKL"; break;
                    case BlasFamily.OpenBlas: name = "OpenBLAS"; break;
                    case BlasFamily.Blis: name = "BLIS"; break;
                    case BlasFamily.Accelerate: name = "Accelerate"; break;
                    default: name = "reference BLAS"; break;
                }

                if (!string.IsNullOrEmpty(Version)) name += " " + Version;
                if (Family == BlasFamily.MklInPyTorch) name += " (inside PyTorch)";
                if (Int64Indices) name += " (64-bit integers)";
                return name;
            }
        }

        /// <summary>The current thread count, where the library tells; null otherwise.</summary>
        public int? Threads => _getThreads == IntPtr.Zero ? (int?)null : ((delegate* unmanaged[Cdecl]<int>)_getThreads)();

        /// <summary>Sets the thread count; false when the library has no such control.</summary>
        public bool TrySetThreads(int threads)
        {
            if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads));
            if (_setThreads == IntPtr.Zero) return false;
            if (_setThreadsTakesLong || Int64Indices) ((delegate* unmanaged[Cdecl]<long, void>)_setThreads)(threads);
            else ((delegate* unmanaged[Cdecl]<int, void>)_setThreads)(threads);
            return true;
        }

        /// <summary>
        /// Loads and proves a candidate: it must export an sgemm in one of the known spellings and multiply a 2x2
        /// correctly. Returns null and the reason when it does not.
        /// </summary>
        public static CpuBlasLibrary? TryBind(NativeLibraryHandle handle, string origin, out string? rejection)
        {
            if (handle == null) throw new ArgumentNullException(nameof(handle));
            foreach (var (prefix, suffix, int64) in Spellings)
            {
                IntPtr sgemm = handle.GetExport(prefix + "cblas_sgemm" + suffix);
                if (sgemm == IntPtr.Zero) continue;
                string path = handle.ResolveLoadedPath(prefix + "cblas_sgemm" + suffix);
                var library = new CpuBlasLibrary(handle, path, origin, sgemm, prefix, suffix, int64);
                rejection = library.ProveSgemm();
                return rejection == null ? library : null;
            }

            foreach (var (single, @double) in FortranSpellings)
            {
                IntPtr sgemm = handle.GetExport(single);
                if (sgemm == IntPtr.Zero) continue;
                string path = handle.ResolveLoadedPath(single);
                var library = new CpuBlasLibrary(handle, path, origin, sgemm, string.Empty, string.Empty, false, @double);
                rejection = library.ProveSgemm();
                return rejection == null ? library : null;
            }

            rejection = "no cblas_sgemm export in any known spelling, and no Fortran sgemm_ (not a BLAS)";
            return null;
        }

        /// <summary>C (m x n) = A (m x k) * B (k x n), column-major, leading dimensions m, k and m.</summary>
        public void Sgemm(long m, long n, long k, float* a, float* b, float* c)
        {
            Check(m, n, k);
            if (Fortran)
            {
                int mi = (int)m, ni = (int)n, ki = (int)k;
                float alpha = 1f, beta = 0f;
                byte trans = (byte)'N';
                // Column-major, as the module's operands are; the two trailing lengths are gfortran's hidden
                // CHARACTER lengths (MKL ignores them, and extra arguments are harmless in the C calling convention).
                ((delegate* unmanaged[Cdecl]<byte*, byte*, int*, int*, int*, float*, float*, int*, float*, int*, float*, float*, int*, nint, nint, void>)_sgemm)(&trans, &trans, &mi, &ni, &ki, &alpha, a, &mi, b, &ki, &beta, c, &mi, 1, 1);
                return;
            }

            if (Int64Indices) ((delegate* unmanaged[Cdecl]<int, int, int, long, long, long, float, float*, long, float*, long, float, float*, long, void>)_sgemm)(ColMajor, NoTrans, NoTrans, m, n, k, 1f, a, m, b, k, 0f, c, m);
            else ((delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)_sgemm)(ColMajor, NoTrans, NoTrans, (int)m, (int)n, (int)k, 1f, a, (int)m, b, (int)k, 0f, c, (int)m);
        }

        public void Dgemm(long m, long n, long k, double* a, double* b, double* c)
        {
            Check(m, n, k);
            if (_dgemm == IntPtr.Zero) throw new NativeEntryPointMissingException(NativeLibraryKind.CpuBlas, LibraryPath, Fortran ? "dgemm_" : SymbolPrefix + "cblas_dgemm" + SymbolSuffix, null);
            if (Fortran)
            {
                int mi = (int)m, ni = (int)n, ki = (int)k;
                double alpha = 1.0, beta = 0.0;
                byte trans = (byte)'N';
                ((delegate* unmanaged[Cdecl]<byte*, byte*, int*, int*, int*, double*, double*, int*, double*, int*, double*, double*, int*, nint, nint, void>)_dgemm)(&trans, &trans, &mi, &ni, &ki, &alpha, a, &mi, b, &ki, &beta, c, &mi, 1, 1);
                return;
            }

            if (Int64Indices) ((delegate* unmanaged[Cdecl]<int, int, int, long, long, long, double, double*, long, double*, long, double, double*, long, void>)_dgemm)(ColMajor, NoTrans, NoTrans, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
            else ((delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)_dgemm)(ColMajor, NoTrans, NoTrans, (int)m, (int)n, (int)k, 1.0, a, (int)m, b, (int)k, 0.0, c, (int)m);
        }

        /// <summary>BF16 inputs (raw 16-bit patterns), FP32 output and accumulation.</summary>
        public void Bf16Gemm(long m, long n, long k, ushort* a, ushort* b, float* c)
        {
            Check(m, n, k);
            if (_bf16 == IntPtr.Zero) throw new NativeEntryPointMissingException(NativeLibraryKind.CpuBlas, LibraryPath, "cblas_sbgemm or cblas_gemm_bf16bf16f32", null);
            if (Int64Indices) ((delegate* unmanaged[Cdecl]<int, int, int, long, long, long, float, ushort*, long, ushort*, long, float, float*, long, void>)_bf16)(ColMajor, NoTrans, NoTrans, m, n, k, 1f, a, m, b, k, 0f, c, m);
            else ((delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, ushort*, int, ushort*, int, float, float*, int, void>)_bf16)(ColMajor, NoTrans, NoTrans, (int)m, (int)n, (int)k, 1f, a, (int)m, b, (int)k, 0f, c, (int)m);
        }

        /// <summary>
        /// The checks the CBLAS interface makes (dimensions positive and representable); they are made here so the
        /// library's xerbla is never reached: netlib's prints and exits the process.
        /// </summary>
        internal void Check(long m, long n, long k)
        {
            long limit = Int64Indices ? long.MaxValue : int.MaxValue;
            if (m < 1 || n < 1 || k < 1) throw new ArgumentOutOfRangeException(nameof(m), string.Format(CultureInfo.InvariantCulture, "GEMM dimensions must be positive (M={0}, N={1}, K={2}).", m, n, k));
            if (m > limit || n > limit || k > limit) throw new ArgumentOutOfRangeException(nameof(m), string.Format(CultureInfo.InvariantCulture, "{0} takes 32-bit dimensions; M={1}, N={2}, K={3} do not fit.", DisplayName, m, n, k));
        }

        private string? ProveSgemm()
        {
            // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50], column-major.
            float* a = stackalloc float[] { 1, 3, 2, 4 };
            float* b = stackalloc float[] { 5, 7, 6, 8 };
            float* c = stackalloc float[] { float.NaN, float.NaN, float.NaN, float.NaN };
            Sgemm(2, 2, 2, a, b, c);
            return c[0] == 19 && c[1] == 43 && c[2] == 22 && c[3] == 50
                ? null
                : string.Format(CultureInfo.InvariantCulture, "its sgemm multiplied a 2x2 wrongly ({0}, {1}, {2}, {3} instead of 19, 43, 22, 50)", c[0], c[1], c[2], c[3]);
        }

        private IntPtr Export(string name) => _handle.GetExport(SymbolPrefix + name + SymbolSuffix);

        private (IntPtr Get, IntPtr Set, string? Name) FirstPair(params (string Get, string Set)[] pairs)
        {
            foreach (var (get, set) in pairs)
            {
                IntPtr s = _handle.GetExport(set);
                if (s != IntPtr.Zero) return (_handle.GetExport(get), s, set);
            }

            return (IntPtr.Zero, IntPtr.Zero, null);
        }

        private static string? Match(string text, string pattern)
        {
            Match m = Regex.Match(text, pattern);
            return m.Success ? m.Groups[1].Value.Trim() : null;
        }
    }
}
