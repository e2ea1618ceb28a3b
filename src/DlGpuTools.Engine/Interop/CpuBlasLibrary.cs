using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A loaded CPU BLAS: its CBLAS GEMMs (column-major, no transposes, alpha 1, beta 0), its BF16 GEMM where it has
    /// one, and its thread control, over the functions Bindings/CpuBlasLibrary.bindings declares. The symbol spelling
    /// is found once and given to the function table: plain CBLAS (cblas_sgemm), the renamed 64-bit-integer copy
    /// numpy wheels carry (scipy_cblas_sgemm64_), scipy's 32-bit one (scipy_cblas_sgemm), and the older numpy wheels'
    /// cblas_sgemm64_. Every call's arguments are checked here first, because a BLAS that sees a bad argument calls
    /// xerbla, and netlib's xerbla ends the process.
    /// </summary>
    internal sealed unsafe partial class CpuBlasLibrary
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

        private readonly NativeMethods _native;
        private readonly bool _hasDoubleGemm;
        private readonly ThreadCalls _threadCalls;

        /// <summary>Which declared pair reads and sets the thread count.</summary>
        private enum ThreadCalls
        {
            None,
            Mkl,
            OpenMp,
            OpenBlas,
            Blis,
        }

        private CpuBlasLibrary(
            NativeLibraryHandle handle, string path, string origin, string prefix, string suffix, bool int64, bool fortran)
        {
            LibraryPath = path;
            Origin = origin;
            SymbolPrefix = prefix;
            SymbolSuffix = suffix;
            Int64Indices = int64;
            Fortran = fortran;
            _native = new NativeMethods(new NativeFunctionTable(handle, NativeLibraryKind.CpuBlas, path, NativeDeclarations, Spell));
            _hasDoubleGemm = Fortran ? _native.HasDgemm_ : Int64Indices ? _native.HasCblas_dgemm64 : _native.HasCblas_dgemm;

            // BF16: MKL's cblas_gemm_bf16bf16f32, else OpenBLAS's cblas_sbgemm (built only for CPUs with BF16 support).
            bool mklBf16 = Int64Indices ? _native.HasCblas_gemm_bf16bf16f32_64 : _native.HasCblas_gemm_bf16bf16f32;
            bool openBlasBf16 = Int64Indices ? _native.HasCblas_sbgemm64 : _native.HasCblas_sbgemm;
            Bf16Routine = mklBf16 ? "cblas_gemm_bf16bf16f32" : openBlasBf16 ? "cblas_sbgemm" : null;

            if (_native.HasMkl_get_version_string)
            {
                Family = path.IndexOf("torch_cpu", StringComparison.OrdinalIgnoreCase) >= 0 ? BlasFamily.MklInPyTorch : BlasFamily.Mkl;
                var buffer = new byte[256];
                fixed (byte* b = buffer)
                {
                    _native.mkl_get_version_string(b, buffer.Length - 1);
                    Config = Marshal.PtrToStringAnsi((IntPtr)b)?.Trim() ?? string.Empty;
                }

                Version = Match(Config, @"Version\s+([\d.]+(?:\s+Update\s+\d+)?)");
                if (_native.HasMkl_set_num_threads)
                {
                    _threadCalls = ThreadCalls.Mkl;
                    ThreadControl = _native.ExportNameOfMkl_set_num_threads;
                }
                else if (_native.HasOmp_set_num_threads)
                {
                    _threadCalls = ThreadCalls.OpenMp;
                    ThreadControl = "omp_set_num_threads";
                }
            }
            else if (_native.HasOpenblas_get_config)
            {
                Family = BlasFamily.OpenBlas;
                Config = Marshal.PtrToStringAnsi(_native.openblas_get_config())?.Trim() ?? string.Empty;
                Version = Match(Config, @"OpenBLAS\s+([\d.]+)");
                if (Int64Indices ? _native.HasOpenblas_set_num_threads64 : _native.HasOpenblas_set_num_threads)
                {
                    _threadCalls = ThreadCalls.OpenBlas;
                    ThreadControl = Int64Indices
                        ? _native.ExportNameOfOpenblas_set_num_threads64
                        : _native.ExportNameOfOpenblas_set_num_threads;
                }
            }
            else if (_native.HasBli_info_get_version_str)
            {
                Family = BlasFamily.Blis;
                Version = Marshal.PtrToStringAnsi(_native.bli_info_get_version_str())?.Trim();
                Config = "BLIS " + Version;
                if (_native.HasBli_thread_set_num_threads)
                {
                    _threadCalls = ThreadCalls.Blis;
                    ThreadControl = "bli_thread_set_num_threads";
                }
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
        public string Interface => Fortran ? "Fortran interface (sgemm_, dgemm_)" : "CBLAS (" + Spell("cblas_sgemm") + ")";

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

        public bool HasDoubleGemm => _hasDoubleGemm;

        public bool HasBf16Gemm => Bf16Routine != null;

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
        public int? Threads
        {
            get
            {
                switch (_threadCalls)
                {
                    case ThreadCalls.Mkl: return _native.HasMkl_get_max_threads ? _native.mkl_get_max_threads() : (int?)null;
                    case ThreadCalls.OpenMp: return _native.HasOmp_get_max_threads ? _native.omp_get_max_threads() : (int?)null;
                    case ThreadCalls.OpenBlas: return _native.HasOpenblas_get_num_threads ? _native.openblas_get_num_threads() : (int?)null;
                    case ThreadCalls.Blis:
                        return _native.HasBli_thread_get_num_threads ? (int)_native.bli_thread_get_num_threads() : (int?)null;
                    default: return null;
                }
            }
        }

        /// <summary>Sets the thread count; false when the library has no such control.</summary>
        public bool TrySetThreads(int threads)
        {
            if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads));
            switch (_threadCalls)
            {
                case ThreadCalls.Mkl: _native.mkl_set_num_threads(threads); return true;
                case ThreadCalls.OpenMp: _native.omp_set_num_threads(threads); return true;
                case ThreadCalls.OpenBlas when Int64Indices: _native.openblas_set_num_threads64(threads); return true;
                case ThreadCalls.OpenBlas: _native.openblas_set_num_threads(threads); return true;
                case ThreadCalls.Blis: _native.bli_thread_set_num_threads(threads); return true; // dim_t
                default: return false;
            }
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
                string Spelling(string name) => prefix + name + suffix;
                var probe = new NativeMethods(
                    new NativeFunctionTable(handle, NativeLibraryKind.CpuBlas, handle.RequestedPath, NativeDeclarations, Spelling));
                string? sgemm = int64 ? probe.ExportNameOfCblas_sgemm64 : probe.ExportNameOfCblas_sgemm;
                if (sgemm == null) continue;
                string path = handle.ResolveLoadedPath(sgemm);
                return Proved(new CpuBlasLibrary(handle, path, origin, prefix, suffix, int64, false), out rejection);
            }

            string? fortran = new NativeMethods(
                new NativeFunctionTable(handle, NativeLibraryKind.CpuBlas, handle.RequestedPath, NativeDeclarations)).ExportNameOfSgemm_;
            if (fortran != null)
            {
                string path = handle.ResolveLoadedPath(fortran);
                return Proved(new CpuBlasLibrary(handle, path, origin, string.Empty, string.Empty, false, true), out rejection);
            }

            rejection = "no cblas_sgemm export in any known spelling, and no Fortran sgemm_ (not a BLAS)";
            return null;
        }

        private static CpuBlasLibrary? Proved(CpuBlasLibrary library, out string? rejection)
        {
            rejection = library.ProveSgemm();
            return rejection == null ? library : null;
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
                _native.sgemm_(&trans, &trans, &mi, &ni, &ki, &alpha, a, &mi, b, &ki, &beta, c, &mi, 1, 1);
            }
            else if (Int64Indices)
            {
                _native.cblas_sgemm64(ColMajor, NoTrans, NoTrans, m, n, k, 1f, a, m, b, k, 0f, c, m);
            }
            else
            {
                _native.cblas_sgemm(ColMajor, NoTrans, NoTrans, (int)m, (int)n, (int)k, 1f, a, (int)m, b, (int)k, 0f, c, (int)m);
            }
        }

        public void Dgemm(long m, long n, long k, double* a, double* b, double* c)
        {
            Check(m, n, k);
            if (Fortran)
            {
                int mi = (int)m, ni = (int)n, ki = (int)k;
                double alpha = 1.0, beta = 0.0;
                byte trans = (byte)'N';
                _native.dgemm_(&trans, &trans, &mi, &ni, &ki, &alpha, a, &mi, b, &ki, &beta, c, &mi, 1, 1);
            }
            else if (Int64Indices)
            {
                _native.cblas_dgemm64(ColMajor, NoTrans, NoTrans, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
            }
            else
            {
                _native.cblas_dgemm(ColMajor, NoTrans, NoTrans, (int)m, (int)n, (int)k, 1.0, a, (int)m, b, (int)k, 0.0, c, (int)m);
            }
        }

        /// <summary>BF16 inputs (raw 16-bit patterns), FP32 output and accumulation.</summary>
        public void Bf16Gemm(long m, long n, long k, ushort* a, ushort* b, float* c)
        {
            Check(m, n, k);
            if (Bf16Routine == null)
            {
                const string EitherRoutine = "cblas_sbgemm or cblas_gemm_bf16bf16f32";
                throw new NativeEntryPointMissingException(NativeLibraryKind.CpuBlas, LibraryPath, EitherRoutine, null);
            }

            bool mkl = Bf16Routine == "cblas_gemm_bf16bf16f32";
            if (Int64Indices)
            {
                if (mkl) _native.cblas_gemm_bf16bf16f32_64(ColMajor, NoTrans, NoTrans, m, n, k, 1f, a, m, b, k, 0f, c, m);
                else _native.cblas_sbgemm64(ColMajor, NoTrans, NoTrans, m, n, k, 1f, a, m, b, k, 0f, c, m);
                return;
            }

            int mi = (int)m, ni = (int)n, ki = (int)k;
            if (mkl) _native.cblas_gemm_bf16bf16f32(ColMajor, NoTrans, NoTrans, mi, ni, ki, 1f, a, mi, b, ki, 0f, c, mi);
            else _native.cblas_sbgemm(ColMajor, NoTrans, NoTrans, mi, ni, ki, 1f, a, mi, b, ki, 0f, c, mi);
        }

        /// <summary>
        /// The checks the CBLAS interface makes (dimensions positive and representable); they are made here so the
        /// library's xerbla is never reached: netlib's prints and exits the process.
        /// </summary>
        internal void Check(long m, long n, long k)
        {
            long limit = Int64Indices ? long.MaxValue : int.MaxValue;
            if (m < 1 || n < 1 || k < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(m), string.Format(
                    CultureInfo.InvariantCulture, "GEMM dimensions must be positive (M={0}, N={1}, K={2}).", m, n, k));
            }

            if (m > limit || n > limit || k > limit)
            {
                throw new ArgumentOutOfRangeException(nameof(m), string.Format(
                    CultureInfo.InvariantCulture, "{0} takes 32-bit dimensions; M={1}, N={2}, K={3} do not fit.", DisplayName, m, n, k));
            }
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
                : string.Format(
                    CultureInfo.InvariantCulture,
                    "its sgemm multiplied a 2x2 wrongly ({0}, {1}, {2}, {3} instead of 19, 43, 22, 50)", c[0], c[1], c[2], c[3]);
        }

        private string Spell(string name) => SymbolPrefix + name + SymbolSuffix;

        private static string? Match(string text, string pattern)
        {
            Match m = Regex.Match(text, pattern);
            return m.Success ? m.Groups[1].Value.Trim() : null;
        }
    }
}
