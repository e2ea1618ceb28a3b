using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DlGpuTools.Catalog;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// Measures GEMM throughput through cuBLASLt the way it should be measured: random inputs (never zeros);
    /// enough sets of A, B and C rotated that together they exceed twice the L2 cache, so no call finds its
    /// operands there; cuBLASLt's candidate algorithms timed and the fastest kept; untimed warm-up batches;
    /// CUDA events around batches of back-to-back calls; the median of many batches (the sustained rate a
    /// training loop sees); every result checked against a double-precision CPU reference on sampled
    /// elements. Every memset, upload, launch and read-back is ordered on the benchmark's own stream. All GPU
    /// memory and cuBLASLt objects are released before it returns, also on cancellation.
    /// </summary>
    public sealed unsafe class MatMulBenchmark
    {
        private const int HeuristicRequest = 16;

        /// <summary>Enough calls that a batch of the smallest GEMM outlasts the event resolution many times over.</summary>
        private const int MaxCallsPerBatch = 5000;

        /// <summary>cuBLASLt wants 16-byte aligned operands; 256 keeps every rotated set on its own cache lines and sectors.</summary>
        private const ulong SetAlignment = 256;

        /// <summary>The L2 assumed when the driver does not report one: larger than any current GPU's (B200: 126 MiB).</summary>
        private const ulong UnknownL2Bytes = 128UL << 20;

        private readonly GpuRuntime _runtime;
        private readonly IGpuPort _port;

        public MatMulBenchmark(GpuRuntime runtime)
            : this(runtime, new CudaPort(runtime ?? throw new ArgumentNullException(nameof(runtime))))
        {
        }

        /// <summary>Memory, streams and events through <paramref name="port"/>; the GEMM itself through the runtime's cuBLASLt.</summary>
        internal MatMulBenchmark(GpuRuntime runtime, IGpuPort port)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
            _port = port ?? throw new ArgumentNullException(nameof(port));
        }

        public MatMulResult Run(MatMulRequest request, CudaDevice device, CancellationToken cancel, Action<MatMulProgress>? progress = null)
        {
            if (request.M <= 0 || request.N <= 0 || request.K <= 0)
                throw new ArgumentOutOfRangeException(nameof(request), "M, N and K must be positive.");
            if (request.FastAccumulation && request.DataType != MatMulDataType.FP8)
                throw new ArgumentException("FastAccumulation applies to FP8 only.", nameof(request));
            if (request.InputSets < 0)
                throw new ArgumentOutOfRangeException(nameof(request), "InputSets must be 0 (automatic) or positive.");
            MatMulFormat format = MatMulFormat.For(request.DataType);
            string problem = string.Format(CultureInfo.InvariantCulture, "{0} GEMM {1}x{2}x{3} on GPU {4}", request.DataType, request.M,
                request.N, request.K, device.Index);
            int cc = device.ComputeCapabilityMajor * 10 + device.ComputeCapabilityMinor;
            if (cc < format.MinimumComputeCapability)
                throw new MatMulTypeNotSupportedException($"{request.DataType} needs compute capability "
                    + $"{format.MinimumComputeCapability / 10}.{format.MinimumComputeCapability % 10} or newer; "
                    + $"{device.Name} has {device.ComputeCapability}.");

            CuBlasLt lt = _runtime.CuBlasLt;
            using (IPortLease lease = _port.Lease(device.Index))
            using (lease.Enter())
            {
                return Measure(_runtime, _port, request, format, device, problem, lt, cancel, progress ?? (_ => { }));
            }
        }

        private static MatMulResult Measure(GpuRuntime runtime, IGpuPort port, MatMulRequest request, MatMulFormat format,
            CudaDevice device, string problem, CuBlasLt lt, CancellationToken cancel, Action<MatMulProgress> progress)
        {
            long m = request.M, n = request.N, k = request.K;
            ulong aBytes = (ulong)(m * k * format.InputBytes);
            ulong bBytes = (ulong)(k * n * format.InputBytes);
            ulong dBytes = (ulong)(m * n * format.OutputBytes);
            ulong free = port.MemoryInfo().Free;
            ulong workspaceBytes = request.WorkspaceBytes;
            ulong l2 = device.L2CacheSize is long reported && reported > 0 ? (ulong)reported : UnknownL2Bytes;
            var rotation = RotationPlan.For(aBytes, bBytes, dBytes, SetAlignment, l2, request.InputSets);
            // Leave a margin of free memory for the driver and cuBLASLt's own allocations.
            ulong budget = (ulong)(free * 0.9);
            ulong needed = rotation.SetBytes + workspaceBytes;
            if (needed > budget) throw new MatMulTooLargeException(problem, needed, free);
            rotation = rotation.FitInto(budget - workspaceBytes);
            int sets = rotation.Sets;

            var owned = new List<IDisposable>();
            try
            {
                // One allocation per operand holding every set, so thousands of small sets cost three cuMemAlloc calls.
                ulong aSets = Own(owned, DeviceMemory.Allocate(port, rotation.AStride * (ulong)sets)).Pointer;
                ulong bSets = Own(owned, DeviceMemory.Allocate(port, rotation.BStride * (ulong)sets)).Pointer;
                ulong dSets = Own(owned, DeviceMemory.Allocate(port, rotation.DStride * (ulong)sets)).Pointer;
                ulong workspace = Own(owned, DeviceMemory.Allocate(port, workspaceBytes)).Pointer;
                PortStream stream = Own(owned, new OwnedStream(port)).Stream;
                BatchTimer timer = Own(owned, BatchTimer.Create(port));

                progress(new MatMulProgress("Generating random inputs", 0, 1));
                ulong seedA = (ulong)request.Seed * 2 + 1, seedB = (ulong)request.Seed * 2 + 2;
                GemmOperands.Upload(port, format, aSets, rotation.AStride, sets, m * k, seedA, stream, cancel);
                GemmOperands.Upload(port, format, bSets, rotation.BStride, sets, k * n, seedB, stream, cancel);
                port.Synchronize(stream);

                var plan = Own(owned, MatMulPlan.Create(lt, format, m, n, k, workspaceBytes, request.FastAccumulation));
                byte[] algorithms = plan.Heuristics(HeuristicRequest, out int found);
                if (found == 0)
                {
                    throw new MatMulTypeNotSupportedException(
                        $"cuBLASLt {lt.VersionText} has no algorithm for {problem} on {device.Name}.");
                }

                int call = 0;
                void Launch(int algorithm)
                {
                    ulong set = (ulong)(call++ % sets);
                    // The cuBLASLt call is the one step outside the port: the library takes the stream's driver handle.
                    plan.Run(algorithms, algorithm, aSets + set * rotation.AStride, bSets + set * rotation.BStride,
                        dSets + set * rotation.DStride, workspace, stream.Handle);
                }

                double TimeBatch(int algorithm, int calls) => timer.Time(stream, calls, _ => Launch(algorithm));

                // Size the batches from one call of the first candidate (after a first untimed call that loads kernels).
                Launch(0);
                port.Synchronize(stream);
                int callsPerBatch = TimedBatches.OperationsPerBatch(TimeBatch(0, 1), request.BatchMilliseconds, MaxCallsPerBatch);

                int candidates = Math.Min(found, Math.Max(1, request.AlgorithmCandidates));
                int best = 0;
                double bestMs = double.MaxValue;
                int tried = 0;
                for (int a = 0; a < candidates; a++)
                {
                    cancel.ThrowIfCancellationRequested();
                    progress(new MatMulProgress($"Timing cuBLASLt candidate {a + 1} of {candidates}", a, candidates));
                    double ms;
                    try
                    {
                        TimeBatch(a, Math.Max(1, callsPerBatch / 4));
                        ms = Math.Min(TimeBatch(a, callsPerBatch), TimeBatch(a, callsPerBatch));
                    }
                    catch (CuBlasException)
                    {
                        continue; // a candidate that cannot run this problem is simply not chosen
                    }

                    tried++;
                    if (ms < bestMs)
                    {
                        bestMs = ms;
                        best = a;
                    }
                }

                if (tried == 0)
                    throw new MatMulTypeNotSupportedException($"None of cuBLASLt's {candidates} candidate algorithm(s) ran {problem}.");
                callsPerBatch = TimedBatches.OperationsPerBatch(bestMs, request.BatchMilliseconds, MaxCallsPerBatch);

                // No idle pause and no separate "burst" batch: the warm-up and timed batches run back to back, as
                // GEMMs in a training loop do, so the median is the rate at the clocks the card holds under load.
                TimedBatches.WarmUp(calls => TimeBatch(best, calls), callsPerBatch, request.Warmup, cancel);

                // The energy window is exactly the timed batches: each batch ends synchronized, so the GPU is idle at both ends.
                List<double> times;
                EnergyMeasurement energy;
                using (EnergyBracket bracket = EnergyMeter.Start(runtime, new[] { device }))
                {
                    times = TimedBatches.Measure(calls => TimeBatch(best, calls), callsPerBatch, request.Iterations, cancel,
                        i => progress(new MatMulProgress("Measuring", i, request.Iterations)));

                    energy = bracket.StopTotal(EnergyMeter.ReadTimeout);
                }

                progress(new MatMulProgress("Verifying against a CPU reference", request.Iterations, request.Iterations));
                double tolerance = format.Tolerance(k, request.FastAccumulation);
                var check = new GemmReferenceCheck
                {
                    Format = format, Plan = plan, Algorithms = algorithms, Algorithm = best, Workspace = workspace, Stream = stream,
                    A = aSets, B = bSets, D = dSets, DBytes = rotation.DStride,
                    SeedA = seedA, SeedB = seedB, M = m, N = n, K = k, Samples = request.VerifySamples, Seed = request.Seed,
                };
                double error = check.Run(port).Check(problem, tolerance);

                var batches = new BatchTimes(times);
                double median = batches.Median;
                double tflops = 2.0 * m * n * k / (median * 1e-3) / 1e12;
                double? peak = PeakTflops(device.Name, request.DataType);
                string accumulation = format.AccumulationText(request.FastAccumulation);
                var result = new MatMulResult
                {
                    DeviceIndex = device.Index,
                    DeviceName = device.Name,
                    Uuid = device.Uuid,
                    DataType = request.DataType.ToString(),
                    M = m,
                    N = n,
                    K = k,
                    MedianMs = Math.Round(median, 4),
                    FastestBatchMs = Math.Round(batches.Fastest, 4),
                    SlowestBatchMs = Math.Round(batches.Slowest, 4),
                    Tflops = tflops,
                    PeakTflops = peak,
                    PercentOfPeak = peak is double p && p > 0 ? Math.Round(100 * tflops / p, 1) : (double?)null,
                    Accumulation = accumulation,
                    RelativeError = error,
                    Tolerance = tolerance,
                    Batches = request.Iterations,
                    CallsPerBatch = callsPerBatch,
                    InputSets = sets,
                    RotatedBytes = rotation.TotalBytes,
                    L2CacheBytes = l2,
                    Method = DescribeMethod(request, callsPerBatch, rotation, l2, device.L2CacheSize.HasValue, accumulation),
                    Algorithm = plan.Describe(algorithms, best, found),
                    AlgorithmsTried = tried,
                    WorkspaceBytes = workspaceBytes,
                    Library = "cuBLASLt " + lt.VersionText,
                    LibraryPath = lt.LibraryPath,
                };
                energy.CopyTo(result);
                double flops = 2.0 * m * n * k * callsPerBatch * request.Iterations;
                if (energy.Joules is double joules && joules > 0)
                    result.TflopsPerWatt = EnergyMeasurement.Significant(flops / joules / 1e12, 4);
                return result;
            }
            finally
            {
                // Reverse order: the plan and stream go before the memory they refer to.
                DisposeAll(owned);
            }
        }

        internal static string DescribeMethod(
            MatMulRequest request, int callsPerBatch, RotationPlan rotation, ulong l2, bool l2Reported, string accumulation)
        {
            string l2Text = l2Reported ? string.Format(CultureInfo.InvariantCulture, "{0:0.##} MiB L2", l2 / 1048576.0)
                : string.Format(CultureInfo.InvariantCulture, "an assumed {0:0} MiB L2 (the driver reported none)", l2 / 1048576.0);
            string rotationText = request.InputSets > 0
                ? string.Format(CultureInfo.InvariantCulture,
                    "{0} set(s) of A, B and C as asked ({1:0.0} MiB, {2:0.00}x the {3}; not the default rotation)", rotation.Sets,
                    rotation.TotalBytes / 1048576.0, rotation.TotalBytes / (double)l2, l2Text)
                : string.Format(CultureInfo.InvariantCulture, "{0} set(s) of A, B and C rotated ({1:0.0} MiB, {2:0.00}x the {3}{4})",
                    rotation.Sets, rotation.TotalBytes / 1048576.0, rotation.TotalBytes / (double)l2, l2Text,
                    rotation.LimitedByMemory ? "; fewer than 2x L2 would need: free memory ran out" : string.Empty);
            return string.Format(CultureInfo.InvariantCulture,
                "Sustained: median of {0} back-to-back batches of {1} call(s), CUDA events per batch, after {2} untimed batch(es); {3}; "
                    + "accumulation {4}; checked on {5} sampled elements against a double CPU reference.",
                request.Iterations, callsPerBatch, request.Warmup, rotationText, accumulation, request.VerifySamples);
        }

        /// <summary>The card table's dense peak for the type (FP64 on its tensor cores where the card has them).</summary>
        public static double? PeakTflops(string? deviceName, MatMulDataType type)
        {
            if (deviceName == null) return null;
            GpuSpec? spec = CardCatalog.BuiltIn.Resolve(deviceName);
            if (spec == null) return null;
            switch (type)
            {
                case MatMulDataType.FP64: return spec.Fp64TensorTflops ?? spec.Fp64Tflops;
                case MatMulDataType.FP32: return spec.Fp32Tflops;
                case MatMulDataType.TF32: return spec.Tf32TensorTflops;
                case MatMulDataType.FP16: return spec.Fp16TensorTflops;
                case MatMulDataType.BF16: return spec.Bf16TensorTflops;
                default: return spec.Fp8TensorTflops;
            }
        }
    }
}
