using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;

namespace DlGpuTools.Benchmarks
{
    /// <summary>One CPU GEMM measurement to make.</summary>
    public sealed class CpuMatMulRequest
    {
        public MatMulDataType DataType { get; set; } = MatMulDataType.FP32;

        public long M { get; set; } = 4096;

        public long N { get; set; } = 4096;

        public long K { get; set; } = 4096;

        /// <summary>Timed batches; the median gives the result.</summary>
        public int Iterations { get; set; } = 5;

        /// <summary>Untimed calls first (thread pools start, pages fault in, clocks ramp).</summary>
        public int Warmup { get; set; } = 1;

        /// <summary>Threads; 0 = the physical core count (SMT siblings share FMA units, so more threads do not add peak).</summary>
        public int Threads { get; set; }

        /// <summary>Wall time each timed batch aims for; small GEMMs run several times per batch.</summary>
        public double BatchMilliseconds { get; set; } = 200;

        public int Seed { get; set; } = 12345;

        public int VerifySamples { get; set; } = 64;
    }

    /// <summary>
    /// Measures GEMM on the CPU through the best BLAS found (<see cref="CpuBlasProbe"/>) or, without one, the managed
    /// kernel (<see cref="ManagedGemm"/>), the same way the GPU benchmark does: random inputs in [-1, 1) (the same
    /// generator, so CPU and GPU multiply the same numbers), untimed warm-up, the median of timed batches of
    /// back-to-back calls (wall clock), and sampled elements of C checked against a double-precision reference after
    /// C is poisoned with NaN.
    /// </summary>
    public sealed unsafe class CpuMatMulBenchmark
    {
        private readonly CpuBlasLibrary? _blas;
        private readonly CpuFacts _cpu;

        private readonly string? _overrideProblem;

        /// <param name="blas">The BLAS to use; null for the managed kernel.</param>
        /// <param name="cpu">The CPU's facts, for the peak.</param>
        /// <param name="overrideProblem">Why DLGPUTOOLS_BLAS_PATH gave no BLAS (<see cref="CpuBlasProbeResult.OverrideProblem"/>), said in
        /// the warning instead of "set it".</param>
        internal CpuMatMulBenchmark(CpuBlasLibrary? blas, CpuFacts cpu, string? overrideProblem = null)
        {
            _blas = blas;
            _cpu = cpu ?? throw new ArgumentNullException(nameof(cpu));
            _overrideProblem = overrideProblem;
        }

        /// <summary>The BLAS used, or null for the managed kernel.</summary>
        internal CpuBlasLibrary? Blas => _blas;

        /// <summary>The BLAS used, as shown to users ("OpenBLAS 0.3.26 (libopenblas.so.0)"), or null for the managed kernel.</summary>
        public string? BlasName => _blas?.DisplayName;

        /// <summary>The types the CPU benchmark measures with some BLAS (FP64, FP32, BF16); the others are GPU types.</summary>
        public static IReadOnlyList<MatMulDataType> CpuTypes => MeasurableTypesView;

        private static readonly MatMulDataType[] MeasurableTypes = { MatMulDataType.FP64, MatMulDataType.FP32, MatMulDataType.BF16 };

        // A read-only view, so no caller (a script included) can change the rule RefuseGpuTypes checks against.
        private static readonly IReadOnlyList<MatMulDataType> MeasurableTypesView = Array.AsReadOnly(MeasurableTypes);

        /// <summary>
        /// Refuses, before anything runs, the first of <paramref name="types"/> that no CPU BLAS multiplies, with the command's
        /// <paramref name="remedy"/>.
        /// </summary>
        public static void RefuseGpuTypes(IEnumerable<MatMulDataType> types, string remedy)
        {
            foreach (MatMulDataType type in types ?? throw new ArgumentNullException(nameof(types)))
            {
                if (Array.IndexOf(MeasurableTypes, type) < 0) throw MatMulArgumentException.NotACpuType(type, remedy);
            }
        }

        /// <summary>Whether this benchmark's BLAS (or the managed kernel) can multiply <paramref name="type"/>.</summary>
        public bool Supports(MatMulDataType type) => Supports(_blas, type);

        internal static bool Supports(CpuBlasLibrary? blas, MatMulDataType type) =>
            type == MatMulDataType.FP32 || (type == MatMulDataType.FP64 && (blas == null || blas.HasDoubleGemm))
                || (type == MatMulDataType.BF16 && blas != null && blas.HasBf16Gemm);

        public CpuMatMulResult Run(CpuMatMulRequest request, CancellationToken cancel, Action<MatMulProgress>? progress = null)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (request.M <= 0 || request.N <= 0 || request.K <= 0)
                throw new ArgumentOutOfRangeException(nameof(request), "M, N and K must be positive.");
            if (request.M * request.K > int.MaxValue || request.K * request.N > int.MaxValue || request.M * request.N > int.MaxValue)
                throw new MatMulTooLargeException(Problem(request),
                    (ulong)((request.M * request.K + request.K * request.N + request.M * request.N) * 4), 0);
            // The CPU's own failure, not the GPU's MatMulTypeNotSupportedException, whose remedy speaks of GPU generations.
            if (!Supports(_blas, request.DataType))
                throw new CpuMatMulTypeException(request.DataType == MatMulDataType.BF16
                    ? $"{LibraryName} has no BF16 GEMM (MKL's cblas_gemm_bf16bf16f32, or OpenBLAS's cblas_sbgemm, which OpenBLAS builds "
                        + "only for CPUs with AVX512-BF16 or AMX); measure FP32 on this CPU."
                    : request.DataType == MatMulDataType.FP64
                        ? $"{LibraryName} has no FP64 GEMM (cblas_dgemm); measure FP32 on this CPU, or choose a BLAS that has it "
                            + "with -Library."
                        : $"The CPU benchmark measures FP64, FP32 and BF16; {request.DataType} is a GPU type (measure it "
                            + "with Measure-GpuMatMul).");
            Action<MatMulProgress> report = progress ?? (_ => { });
            int threads = request.Threads > 0 ? request.Threads : Math.Max(1, _cpu.PhysicalCores);
            string threadControl = SetThreads(threads, out int reportedThreads);
            switch (request.DataType)
            {
                case MatMulDataType.FP64: return Measure<double>(request, reportedThreads, threadControl, cancel, report);
                case MatMulDataType.BF16: return Measure<ushort>(request, reportedThreads, threadControl, cancel, report);
                default: return Measure<float>(request, reportedThreads, threadControl, cancel, report);
            }
        }

        private string LibraryName => _blas?.DisplayName ?? "The managed kernel";

        private string SetThreads(int threads, out int reported)
        {
            reported = threads;
            if (_blas == null) return string.Format(CultureInfo.InvariantCulture, "Parallel.For with at most {0} threads", threads);
            if (!_blas.TrySetThreads(threads))
            {
                reported = _blas.Threads ?? threads;
                return _blas.Family == BlasFamily.Reference
                    ? "none: a reference BLAS runs on the calling thread"
                    : "none found (no thread-setting export): the library decides";
            }

            reported = _blas.Threads ?? threads;
            return _blas.ThreadControl + "(" + threads.ToString(CultureInfo.InvariantCulture) + ")";
        }

        private CpuMatMulResult Measure<T>(CpuMatMulRequest request, int threads, string threadControl, CancellationToken cancel,
            Action<MatMulProgress> progress)
            where T : unmanaged
        {
            long m = request.M, n = request.N, k = request.K;
            MatMulDataType type = request.DataType;
            ulong seedA = (ulong)request.Seed * 2 + 1, seedB = (ulong)request.Seed * 2 + 2;
            progress(new MatMulProgress("Generating random inputs", 0, 1));
            // BF16 GEMMs write FP32; the others write their own type.
            bool bf16 = type == MatMulDataType.BF16;
            int outputBytes = typeof(T) == typeof(double) ? 8 : 4;
            using var aBuffer = new HostMatrix(m * k * sizeof(T));
            using var bBuffer = new HostMatrix(k * n * sizeof(T));
            using var cBuffer = new HostMatrix(m * n * outputBytes);
            T* aLocal = (T*)aBuffer.Pointer, bLocal = (T*)bBuffer.Pointer;
            Generate(aLocal, m * k, seedA);
            Generate(bLocal, k * n, seedB);
            float* cfLocal = (float*)cBuffer.Pointer;
            double* cdLocal = (double*)cBuffer.Pointer;
            {
                void Call()
                {
                    if (typeof(T) == typeof(double))
                    {
                        if (_blas != null) _blas.Dgemm(m, n, k, (double*)aLocal, (double*)bLocal, cdLocal);
                        else ManagedGemm.Multiply(m, n, k, (double*)aLocal, (double*)bLocal, cdLocal, threads);
                    }
                    else if (bf16)
                    {
                        _blas!.Bf16Gemm(m, n, k, (ushort*)aLocal, (ushort*)bLocal, cfLocal);
                    }
                    else if (_blas != null)
                    {
                        _blas.Sgemm(m, n, k, (float*)aLocal, (float*)bLocal, cfLocal);
                    }
                    else
                    {
                        ManagedGemm.Multiply(m, n, k, (float*)aLocal, (float*)bLocal, cfLocal, threads);
                    }
                }

                var clock = new Stopwatch();
                double TimeBatch(int calls)
                {
                    clock.Restart();
                    for (int i = 0; i < calls; i++) Call();
                    return clock.Elapsed.TotalMilliseconds / calls;
                }

                progress(new MatMulProgress("Warming up", 0, 1));
                double estimate = double.MaxValue;
                for (int w = 0; w < Math.Max(1, request.Warmup); w++)
                {
                    cancel.ThrowIfCancellationRequested();
                    estimate = Math.Min(estimate, TimeBatch(1));
                }

                int callsPerBatch = (int)Math.Max(1, Math.Min(1000, Math.Round(request.BatchMilliseconds / Math.Max(estimate, 1e-3))));
                var times = new List<double>(request.Iterations);
                for (int i = 0; i < request.Iterations; i++)
                {
                    cancel.ThrowIfCancellationRequested();
                    progress(new MatMulProgress("Measuring", i, request.Iterations));
                    times.Add(TimeBatch(callsPerBatch));
                }

                progress(new MatMulProgress("Verifying against a double reference", request.Iterations, request.Iterations));
                long outputs = m * n;
                if (outputBytes == 8) for (long i = 0; i < outputs; i++) cdLocal[i] = double.NaN;
                else for (long i = 0; i < outputs; i++) cfLocal[i] = float.NaN;
                Call();
                double tolerance = Tolerance(type, k);
                double error = Verify(request, seedA, seedB, outputBytes == 8 ? null : cfLocal,
                    outputBytes == 8 ? cdLocal : null, tolerance);

                var batches = new BatchTimes(times);
                double median = batches.Median;
                double tflops = 2.0 * m * n * k / (median * 1e-3) / 1e12;
                CpuPeakFigure peak = CpuPeak.For(_cpu, type);
                string accumulation = type == MatMulDataType.FP64 ? "FP64" : type == MatMulDataType.BF16 ? "FP32 (BF16 inputs)" : "FP32";
                double? percent = peak.Tflops is double p && p > 0 ? Math.Round(100 * tflops / p, 1) : (double?)null;
                return new CpuMatMulResult
                {
                    DeviceName = _cpu.Model,
                    DataType = type.ToString(),
                    M = m,
                    N = n,
                    K = k,
                    MedianMs = Math.Round(median, 4),
                    FastestBatchMs = Math.Round(batches.Fastest, 4),
                    SlowestBatchMs = Math.Round(batches.Slowest, 4),
                    Tflops = tflops,
                    PeakTflops = peak.Tflops,
                    PercentOfPeak = percent,
                    PeakBasis = peak.Basis,
                    Accumulation = accumulation,
                    RelativeError = error,
                    Tolerance = tolerance,
                    Batches = request.Iterations,
                    CallsPerBatch = callsPerBatch,
                    Threads = threads,
                    ThreadControl = threadControl,
                    Method = string.Format(CultureInfo.InvariantCulture,
                        "Sustained: median of {0} batch(es) of {1} back-to-back call(s), wall clock per batch, after {2} untimed call(s); "
                            + "{3} thread(s) ({4}); one set of A, B and C in host memory aligned to 2 MiB ({7}); accumulation {5}; checked "
                            + "on {6} sampled elements against a double reference.",
                        request.Iterations, callsPerBatch, Math.Max(1, request.Warmup), threads, threadControl, accumulation,
                            request.VerifySamples, aBuffer.HugePages ? "huge pages advised" : "ordinary pages"),
                    Library = _blas?.DisplayName ?? "managed kernel (no BLAS)",
                    LibraryConfig = _blas != null ? _blas.Config + "; " + _blas.Interface
                        : (type == MatMulDataType.FP64 ? "managed kernel: packed panels, scalar 2x6 register tiles"
                        : "managed kernel: packed panels, " + ManagedGemm.KernelDescription),
                    LibraryPath = _blas?.LibraryPath,
                    IsManagedFallback = _blas == null,
                    Warning = Warning(_blas, percent, type, _overrideProblem),
                };
            }
        }

        /// <summary>What a user should know about a figure from the managed kernel or a reference BLAS, with the fix for this OS; null for
        /// a real BLAS.</summary>
        internal static string? Warning(CpuBlasLibrary? blas, double? percentOfPeak, MatMulDataType type, string? overrideProblem = null)
        {
            if (blas != null && blas.Family != BlasFamily.Reference) return null;
            string reached = percentOfPeak is double p
                ? string.Format(CultureInfo.InvariantCulture, " It reached {0:0}% of this CPU's {1} peak;", p, type) : string.Empty;
            string what = blas == null
                ? "No BLAS library was found, so this figure comes from the module's managed kernel ("
                    + (type == MatMulDataType.FP32 ? ManagedGemm.KernelDescription : "scalar FP64") + ")." + reached
                    + " an optimised BLAS reaches 70-90% of the peak."
                : "This figure comes from a reference BLAS (" + blas.LibraryPath
                    + ": no OpenBLAS, MKL or BLIS exports; unoptimised loops on one thread)." + reached
                    + " an optimised BLAS is typically 10-50x faster.";
            return what + " " + (blas == null && overrideProblem != null ? overrideProblem : BlasRemedy());
        }

        /// <summary>How to get a real BLAS on this OS.</summary>
        public static string BlasRemedy()
        {
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                return "Install one: pip install numpy into a Python on PATH (its wheel carries OpenBLAS, found in site-packages), or "
                    + "conda install mkl, or put the folder holding openblas.dll on PATH, or set $env:"
                    + LibraryCandidates.CpuBlasOverrideVariable + " to a BLAS DLL.";
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.OSX))
                return "Accelerate ships with macOS; set $env:" + LibraryCandidates.CpuBlasOverrideVariable
                    + " to /System/Library/Frameworks/Accelerate.framework/Accelerate if it was not found.";
            return "Install one: Debian/Ubuntu: sudo apt-get install libopenblas0-pthread; Fedora/RHEL: sudo dnf install openblas-threads; "
                + "or pip install numpy (its wheel carries OpenBLAS, found in site-packages); or set $env:"
                + LibraryCandidates.CpuBlasOverrideVariable + " to a BLAS library file or folder.";
        }

        /// <summary>
        /// The largest acceptable relative error: output rounding plus 4 sqrt(K) accumulator roundoffs (the same
        /// derivation as the GPU benchmark's, see MatMulFormat.Tolerance). The reference uses exactly the stored
        /// inputs (BF16-rounded for BF16), so the input conversion adds nothing.
        /// </summary>
        public static double Tolerance(MatMulDataType type, long k)
        {
            double u = type == MatMulDataType.FP64 ? Math.Pow(2, -53) : Math.Pow(2, -24);
            return u + 4 * Math.Sqrt(k) * u;
        }

        private static void Generate<T>(T* values, long count, ulong seed)
            where T : unmanaged
        {
            T* start = values;
            Parallel.For(0, (int)((count + 65535) / 65536), block =>
            {
                long end = Math.Min(count, (block + 1) * 65536L);
                for (long i = block * 65536L; i < end; i++)
                {
                    float x = GemmOperands.InputValue(seed, i);
                    if (typeof(T) == typeof(float)) ((float*)start)[i] = x;
                    else if (typeof(T) == typeof(double)) ((double*)start)[i] = x;
                    else ((ushort*)start)[i] = NumberFormats.ToBFloat16(x);
                }
            });
        }

        private static double Verify(CpuMatMulRequest request, ulong seedA, ulong seedB, float* cFloat, double* cDouble, double tolerance)
        {
            long m = request.M, n = request.N, k = request.K;
            bool bf16 = request.DataType == MatMulDataType.BF16;
            var random = new Random(request.Seed + 7);
            var error = new SampledError();
            for (int s = 0; s < request.VerifySamples; s++)
            {
                long i = random.Next((int)Math.Min(m, int.MaxValue));
                long j = random.Next((int)Math.Min(n, int.MaxValue));
                double reference = 0;
                for (long p = 0; p < k; p++)
                {
                    double av = Round(GemmOperands.InputValue(seedA, i + p * m), bf16);
                    reference += av * Round(GemmOperands.InputValue(seedB, p + j * k), bf16);
                }

                error.Add(cDouble != null ? cDouble[i + j * m] : cFloat[i + j * m], reference);
            }

            return error.Check(Problem(request), tolerance);
        }

        private static double Round(float value, bool bf16) => bf16 ? NumberFormats.FromBFloat16(NumberFormats.ToBFloat16(value)) : value;

        private static string Problem(CpuMatMulRequest request) =>
            string.Format(CultureInfo.InvariantCulture, "{0} GEMM {1}x{2}x{3} on the CPU", request.DataType,
                request.M, request.N, request.K);
    }
}
