using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Benchmarks;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Measures GEMM throughput on the CPU through the best BLAS found (or the one -Library names), on every
    /// physical core unless -ThreadCount says otherwise, with the CPU's theoretical peak and every result verified.
    /// Without a BLAS the managed kernel runs, labelled as such and with a warning. Ctrl+C stops between batches.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "CpuMatMul")]
    [OutputType(typeof(CpuMatMulResult))]
    public sealed class MeasureCpuMatMulCommand : DlGpuCmdlet, IDynamicParameters
    {
        private static readonly int[] DefaultSizes = { 4096 };

        /// <summary>-Library and -ThreadCount, shared with the other command that measures the CPU.</summary>
        private readonly CpuBlasParameters _cpuParameters = new CpuBlasParameters();

        private IReadOnlyList<(long M, long N, long K)> _shapes = Array.Empty<(long, long, long)>();

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } = { MatMulDataType.FP32 };

        [Parameter(Position = 1)]
        [ValidateRange(16, 32768)]
        public int[] Size { get; set; } = DefaultSizes;

        [Parameter]
        [ValidateRange(1, 1048576)]
        public int M { get; set; }

        [Parameter]
        [ValidateRange(1, 1048576)]
        public int N { get; set; }

        [Parameter]
        [ValidateRange(1, 1048576)]
        public int K { get; set; }

        [Parameter]
        [ValidateRange(1, 10000)]
        public int Iterations { get; set; } = 5;

        [Parameter]
        [ValidateRange(0, 100)]
        public int Warmup { get; set; } = 1;

        /// <summary>-Library and -ThreadCount (<see cref="CpuBlasParameters"/>), shared with the other CPU-measuring command.</summary>
        public object GetDynamicParameters() => _cpuParameters;

        protected override void BeginProcessing()
        {
            try
            {
                _shapes = MatMulShapes.Resolve(Given(nameof(M), M), Given(nameof(N), N), Given(nameof(K), K),
                    MyInvocation.BoundParameters.ContainsKey(nameof(Size)) ? Size : null, sweep: false, DefaultSizes);
                CpuMatMulBenchmark.RefuseGpuTypes(DataType, "Use -DataType FP32, FP64 or BF16, or Measure-GpuMatMul for the GPU types.");
            }
            catch (MatMulArgumentException e)
            {
                ThrowFailure(e, null);
            }
        }

        protected override void ProcessRecord()
        {
            CpuBenchmarkChoice cpu;
            try
            {
                cpu = _cpuParameters.Choose(this, CurrentDirectory);
            }
            catch (CpuBlasNotFoundException e)
            {
                ThrowFailure(e, Library);
                return;
            }

            CpuMatMulBenchmark benchmark = cpu.Benchmark;
            foreach (var shape in _shapes)
            {
                foreach (MatMulDataType type in DataType)
                {
                    if (StopRequested) return;
                    string label = $"{type} {shape.M}x{shape.N}x{shape.K}";
                    var request = new CpuMatMulRequest { DataType = type, M = shape.M, N = shape.N, K = shape.K, Iterations = Iterations,
                        Warmup = Warmup, Threads = ThreadCount };
                    try
                    {
                        CpuMatMulResult result = benchmark.Run(request, Cancellation, p => ReportProgress("Measure-CpuMatMul: "
                            + (benchmark.BlasName ?? "managed kernel"), $"{label}: {p.Phase}",
                                p.Total > 0 ? 100 * p.Done / p.Total : 0));
                        cpu.WarnOnce(result);
                        WriteObject(result);
                    }
                    catch (OperationCanceledException)
                    {
                        CompleteProgress();
                        return;
                    }
                    catch (Exception e) when (IsKnownFailure(e))
                    {
                        CompleteProgress();
                        WriteFailure(e, label);
                    }
                }
            }
        }

        protected override void EndProcessing() => CompleteProgress();

        private int? Given(string parameter, int value) => MyInvocation.BoundParameters.ContainsKey(parameter) ? value : (int?)null;

        private string? Library => _cpuParameters.Library;

        private int ThreadCount => _cpuParameters.ThreadCount;
    }
}
