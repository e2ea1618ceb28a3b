using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
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
    public sealed class MeasureCpuMatMulCommand : CpuMatMulCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } = { MatMulDataType.FP32 };

        [Parameter(Position = 1)]
        [ValidateRange(16, 32768)]
        public int[] Size { get; set; } = { 4096 };

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

        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            int shapeParts = new[] { nameof(M), nameof(N), nameof(K) }.Count(bound.ContainsKey);
            if (shapeParts > 0 && bound.ContainsKey(nameof(Size))) ThrowArgumentError("MatMulShapeConflict", Messages.MatMulShapeConflict, Messages.MatMulShapeRemedy);
            if (shapeParts is 1 or 2) ThrowArgumentError("MatMulShapeIncomplete", Messages.MatMulShapeIncomplete, Messages.MatMulShapeRemedy);
            MatMulDataType? gpuOnly = DataType.Where(t => t != MatMulDataType.FP32 && t != MatMulDataType.FP64 && t != MatMulDataType.BF16).Cast<MatMulDataType?>().FirstOrDefault();
            if (gpuOnly != null) ThrowArgumentError("MatMulTypeNotSupported", Messages.Format(Messages.CpuTypeNotMeasured, gpuOnly), "Use -DataType FP32, FP64 or BF16, or Measure-GpuMatMul for the GPU types.");
        }

        protected override void ProcessRecord()
        {
            CpuMatMulBenchmark? benchmark = CreateCpuBenchmark();
            if (benchmark == null) return;
            IEnumerable<(long M, long N, long K)> shapes = MyInvocation.BoundParameters.ContainsKey(nameof(M)) ? new[] { ((long)M, (long)N, (long)K) } : SquareShapes(Size);
            foreach (var shape in shapes)
            {
                foreach (MatMulDataType type in DataType)
                {
                    if (_cancel.IsCancellationRequested) return;
                    string label = $"{type} {shape.M}x{shape.N}x{shape.K}";
                    var request = new CpuMatMulRequest { DataType = type, M = shape.M, N = shape.N, K = shape.K, Iterations = Iterations, Warmup = Warmup, Threads = ThreadCount };
                    try
                    {
                        CpuMatMulResult result = benchmark.Run(request, _cancel.Token, p => ReportProgress("Measure-CpuMatMul: " + (benchmark.BlasName ?? "managed kernel"), $"{label}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0));
                        WarnOnce(result);
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
                        WriteError(CpuErrorRecord(e, label));
                    }
                }
            }
        }

        protected override void EndProcessing() => CompleteProgress();

        protected override void StopProcessing() => _cancel.Cancel();

        public void Dispose() => _cancel.Dispose();

        private void ThrowArgumentError(string errorId, string message, string remedy)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, null)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = remedy },
            });
        }
    }
}
