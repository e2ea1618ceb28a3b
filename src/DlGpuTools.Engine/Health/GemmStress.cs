using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Health
{
    /// <summary>How long and how big the stress runs.</summary>
    internal sealed class StressRequest
    {
        public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The square GEMM's side; halved until the buffers fit in half the free memory.</summary>
        public long Size { get; set; } = 8192;

        /// <summary>How long a GPU's setup (allocation, upload, first result) may take before the others start without it.</summary>
        public TimeSpan SetupLimit { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How long past the stress time a GPU may take to come back before it counts as hung.</summary>
        public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

        public int Seed { get; set; } = 2027;
    }

    /// <summary>
    /// The Standard level's stress, as gpu-burn runs it but on our cuBLASLt engine: every GPU at once, each on its
    /// own thread and context, multiplies the same random matrices for the set time in the best tensor-core type it
    /// has (BF16, else FP16, else FP32). The first result is checked against a double CPU reference on sampled
    /// elements; every later result is compared with the first bit for bit on the GPU (the same algorithm on the
    /// same inputs gives the same bits, so any difference is a fault). Batches write each of several result
    /// buffers once between CUDA events, so the throughput is the sustained median of back-to-back GEMMs, and the
    /// comparisons run outside the timed batches.
    /// </summary>
    internal static class GemmStress
    {
        private static readonly MatMulDataType[] Preference = { MatMulDataType.BF16, MatMulDataType.FP16, MatMulDataType.FP32 };
        private const int MaxResultsPerBatch = 64;
        private const ulong WorkspaceBytes = 32UL << 20;
        private const ulong Alignment = 256;

        public static List<StressOutcome> Run(GpuRuntime runtime, IGpuPort port, IReadOnlyList<CudaDevice> devices,
            StressRequest request, CancellationToken cancel, Action<string, double>? progress)
        {
            var outcomes = devices.Select(d => new StressOutcome(d)).ToList();
            if (outcomes.Count == 0) return outcomes;
            var ready = new CountdownEvent(outcomes.Count);
            TimeSpan limit = request.SetupLimit + request.Duration + request.CallTimeout;
            string phase = string.Format(
                CultureInfo.InvariantCulture, "GEMM stress on {0} GPU(s) for {1:0} s", outcomes.Count, request.Duration.TotalSeconds);
            bool[] hung = GpuWorkers.Run(outcomes, o => o.Index, "GEMM stress", o => Worker(runtime, port, o, request, ready, cancel),
                limit, request.Duration, phase, progress);
            for (int i = 0; i < hung.Length; i++) outcomes[i].Hung = hung[i];

            // A hung worker may still signal the event if its GPU ever answers, so the event then outlives this call.
            if (!outcomes.Any(o => o.Hung)) ready.Dispose();

            cancel.ThrowIfCancellationRequested();
            return outcomes;
        }

        internal static MatMulDataType ChooseType(CudaDevice device)
        {
            int cc = device.ComputeCapabilityMajor * 10 + device.ComputeCapabilityMinor;
            return Preference.First(t => MatMulFormat.For(t).MinimumComputeCapability <= cc || t == MatMulDataType.FP32);
        }

        private static void Worker(GpuRuntime runtime, IGpuPort port, StressOutcome o, StressRequest request, CountdownEvent ready,
            CancellationToken cancel)
        {
            bool signalled = false;
            try
            {
                MatMulDataType type = ChooseType(o.Device);
                MatMulFormat format = MatMulFormat.For(type);
                o.DataType = type.ToString();
                CuBlasLt lt = runtime.CuBlasLt;
                using (IPortLease lease = port.Lease(o.Device.Index))
                using (lease.Enter())
                {
                    var owned = new List<IDisposable>();
                    try
                    {
                        Stress(port, lt, format, o, request, owned, () =>
                            { signalled = true; ready.Signal(); ready.Wait(request.SetupLimit, cancel); }, cancel);
                    }
                    finally
                    {
                        DisposeAll(owned);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Run rethrows the cancellation once every worker is back.
            }
            catch (Exception e) // reported as this GPU's failed stress check, never thrown on a worker thread
            {
                o.Failure = e;
            }
            finally
            {
                if (!signalled) ready.Signal();
            }
        }

        private static ulong Align(ulong bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

        private static void Stress(IGpuPort port, CuBlasLt lt, MatMulFormat format, StressOutcome o, StressRequest request,
            List<IDisposable> owned, Action startTogether, CancellationToken cancel)
        {
            ulong free = port.MemoryInfo().Free;
            long n = request.Size;
            // Two inputs, the first result and two results at least must fit in half the free memory.
            while (n > 256 && 2 * Align((ulong)(n * n * format.InputBytes)) + 3 * Align((ulong)(n * n * format.OutputBytes))
                + WorkspaceBytes > free / 2) n /= 2;
            ulong inputBytes = Align((ulong)(n * n * format.InputBytes));
            ulong resultBytes = Align((ulong)(n * n * format.OutputBytes));
            ulong room = free / 2 - Math.Min(free / 2, 2 * inputBytes + resultBytes + WorkspaceBytes);
            int slots = (int)Math.Max(2, Math.Min(MaxResultsPerBatch, room / resultBytes));
            o.Size = n;
            o.ResultsPerBatch = slots;
            string problem = string.Format(CultureInfo.InvariantCulture, "{0} GEMM {1}x{1}x{1} stress on GPU {2}", format.Type, n, o.Index);

            ulong a = Own(owned, DeviceMemory.Allocate(port, inputBytes)).Pointer;
            ulong b = Own(owned, DeviceMemory.Allocate(port, inputBytes)).Pointer;
            DeviceMemory first = Own(owned, DeviceMemory.Allocate(port, resultBytes));
            ulong results = Own(owned, DeviceMemory.Allocate(port, resultBytes * (ulong)slots)).Pointer;
            ulong workspace = Own(owned, DeviceMemory.Allocate(port, WorkspaceBytes)).Pointer;
            DeviceMemory counters = Own(owned, DeviceMemory.Allocate(port, 4UL * (ulong)slots));
            PortStream stream = Own(owned, new OwnedStream(port)).Stream;
            BatchTimer timer = Own(owned, BatchTimer.Create(port));
            HealthKernels kernels = Own(owned, HealthKernels.Load(port, o.Device));

            ulong seedA = (ulong)request.Seed * 2 + 1, seedB = (ulong)request.Seed * 2 + 2;
            GemmOperands.Upload(port, format, a, inputBytes, 1, n * n, seedA, stream, cancel);
            GemmOperands.Upload(port, format, b, inputBytes, 1, n * n, seedB, stream, cancel);
            MatMulPlan plan = Own(owned, MatMulPlan.Create(lt, format, n, n, n, WorkspaceBytes, false));
            byte[] algorithms = plan.Heuristics(1, out int found);
            if (found == 0) throw new MatMulTypeNotSupportedException($"cuBLASLt {lt.VersionText} has no algorithm for {problem}.");
            o.Algorithm = plan.Describe(algorithms, 0, found);

            // The first result, against the CPU: a GPU that is wrong the same way every time passes the comparisons.
            var check = new GemmReferenceCheck
            {
                Format = format, Plan = plan, Algorithms = algorithms, Algorithm = 0, Workspace = workspace, Stream = stream,
                A = a, B = b, D = first.Pointer, DBytes = resultBytes,
                SeedA = seedA, SeedB = seedB, M = n, N = n, K = n, Samples = GemmReferenceCheck.DefaultSamples, Seed = request.Seed,
            };
            SampledError error = check.Run(port);
            o.ReferenceError = error.RelativeError;
            o.ReferenceFailure = error.Failure(problem, format.Tolerance(n, false));

            o.FirstResultHash = Hash(port, first.Pointer, (ulong)(n * n * format.OutputBytes), stream);
            startTogether();
            ulong words = (ulong)(n * n * format.OutputBytes) / 4;
            var found32 = new uint[slots];
            TimeSpan warmup = TimeSpan.FromTicks(request.Duration.Ticks / 10);
            var all = new List<double>();
            var clock = Stopwatch.StartNew();
            do
            {
                cancel.ThrowIfCancellationRequested();
                // Each call of the batch writes its own result slot; cuBLASLt takes the stream's driver handle.
                int slot = 0;
                double perCall = timer.Time(stream, slots, queued => plan.Run(algorithms, 0, a, b, results + (ulong)slot++ * resultBytes,
                    workspace, queued.Handle));

                // Outside the timed batch: every result of the batch against the first, one counter each.
                port.Fill(counters.Pointer, 0, counters.Bytes, stream);
                for (int s = 0; s < slots; s++) kernels.Compare(results + (ulong)s * resultBytes, first.Pointer, words,
                    counters.Pointer + 4UL * (ulong)s, stream);
                ReadCounters(port, counters, found32, stream);

                o.Batches++;
                o.Calls += slots;
                o.Compared += slots;
                foreach (uint differing in found32)
                {
                    if (differing == 0) continue;
                    o.FaultyResults++;
                    o.FaultyWords += differing;
                }

                all.Add(perCall);
                if (clock.Elapsed >= warmup) o.CallMilliseconds.Add(perCall); // the first tenth lets clocks and temperature settle
            }
            while (clock.Elapsed < request.Duration);

            o.Seconds = clock.Elapsed.TotalSeconds;
            if (o.CallMilliseconds.Count == 0) o.CallMilliseconds.AddRange(all);
            double median = new BatchTimes(o.CallMilliseconds).Median;
            o.Tflops = 2.0 * n * n * n / (median * 1e-3) / 1e12;
            o.PeakTflops = MatMulBenchmark.PeakTflops(o.Device.Name, format.Type);
        }

        /// <summary>FNV-1a over the buffer's 64-bit words, read back in 16 MiB pieces (no second copy of the result on the host).</summary>
        private static unsafe ulong Hash(IGpuPort port, ulong buffer, ulong bytes, PortStream stream)
        {
            const ulong piece = 16UL << 20;
            var host = new ulong[Math.Min(piece, bytes) / 8 + 1];
            ulong hash = 14695981039346656037UL;
            fixed (ulong* p = host)
            {
                for (ulong offset = 0; offset < bytes; offset += piece)
                {
                    ulong count = Math.Min(piece, bytes - offset);
                    host[count / 8] = 0; // a tail shorter than a word hashes as zero-padded
                    port.CopyToHost((IntPtr)p, buffer + offset, count, stream);
                    port.Synchronize(stream);
                    ulong words = (count + 7) / 8;
                    for (ulong i = 0; i < words; i++) hash = unchecked((hash ^ p[i]) * 1099511628211UL);
                }
            }

            return hash;
        }

        private static unsafe void ReadCounters(IGpuPort port, DeviceMemory counters, uint[] host, PortStream stream)
        {
            fixed (uint* p = host)
            {
                port.CopyToHost((IntPtr)p, counters.Pointer, counters.Bytes, stream);
                port.Synchronize(stream); // the array stays pinned until the copy has landed
            }
        }
    }
}
