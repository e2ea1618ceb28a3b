using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Measures GEMM throughput through cuBLASLt for each device, data type and size asked for. Devices come
    /// from -Index or -Uuid, bound by property name from Get-CudaDevice (also deserialized or JSON objects);
    /// without them, every device. Ctrl+C stops between batches and frees all GPU memory.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuMatMul")]
    [OutputType(typeof(MatMulResult))]
    public sealed class MeasureGpuMatMulCommand : DeviceCmdlet, IDisposable
    {
        private static readonly int[] SweepSizes = { 256, 512, 1024, 2048, 4096, 8192, 16384 };

        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Dictionary<int, IDisposable> _contextHolds = new Dictionary<int, IDisposable>();
        private bool _failed;

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } = { MatMulDataType.FP32, MatMulDataType.TF32, MatMulDataType.FP16, MatMulDataType.BF16 };

        // One parameter set, checked in BeginProcessing: with sets, mixing -Size and -M/-N/-K only got
        // PowerShell's "Parameter set cannot be resolved", which does not say which to use.
        [Parameter(Position = 1)]
        [ValidateRange(16, 65536)]
        public int[] Size { get; set; } = { 8192 };

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
        public SwitchParameter Sweep { get; set; }

        [Parameter]
        [ValidateRange(1, 100000)]
        public int Iterations { get; set; } = 20;

        [Parameter]
        [ValidateRange(0, 1000)]
        public int Warmup { get; set; } = 3;

        [Parameter]
        [ValidateRange(1, 64)]
        public int AlgorithmCandidates { get; set; } = 8;

        /// <summary>FP8 only: cuBLASLt's fast accumulation (PyTorch's use_fast_accum). Off by default, as in torch._scaled_mm.</summary>
        [Parameter]
        public SwitchParameter FastAccumulation { get; set; }

        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            int shapeParts = new[] { nameof(M), nameof(N), nameof(K) }.Count(bound.ContainsKey);
            if (shapeParts > 0 && (bound.ContainsKey(nameof(Size)) || Sweep))
                ThrowArgumentError("MatMulShapeConflict", Messages.MatMulShapeConflict, Messages.MatMulShapeRemedy);
            if (shapeParts is 1 or 2)
                ThrowArgumentError("MatMulShapeIncomplete", Messages.MatMulShapeIncomplete, Messages.MatMulShapeRemedy);

            // Fast accumulation exists for FP8 only; asking for it without FP8 is a mistake to point out, not to ignore.
            if (FastAccumulation && !DataType.Contains(MatMulDataType.FP8))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(Messages.FastAccumulationNeedsFp8), "FastAccumulationNeedsFP8", ErrorCategory.InvalidArgument, DataType)
                {
                    ErrorDetails = new ErrorDetails(Messages.FastAccumulationNeedsFp8) { RecommendedAction = Messages.FastAccumulationNeedsFp8Remedy },
                });
            }
        }

        private void ThrowArgumentError(string errorId, string message, string remedy)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, null)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = remedy },
            });
        }

        protected override void ProcessRecord()
        {
            if (_failed) return;
            IReadOnlyList<CudaDevice>? devices = RequestedDevices();
            if (devices == null) return;
            foreach (CudaDevice device in devices)
            {
                foreach (var shape in Shapes())
                {
                    foreach (MatMulDataType type in DataType)
                    {
                        if (_cancel.IsCancellationRequested) return;
                        MeasureOne(device, type, shape.M, shape.N, shape.K);
                    }
                }
            }
        }

        protected override void EndProcessing()
        {
            CompleteProgress();
            ReleaseContexts();
        }

        protected override void StopProcessing() => _cancel.Cancel();

        // PowerShell disposes a cmdlet however its pipeline ends (Ctrl+C, a terminating error, a downstream
        // Select-Object -First), so the contexts this command kept alive are given back here in every case.
        public void Dispose()
        {
            ReleaseContexts();
            _cancel.Dispose();
        }

        private void ReleaseContexts()
        {
            foreach (IDisposable hold in _contextHolds.Values) hold.Dispose();
            _contextHolds.Clear();
        }

        // One context for all of this command's measurements on a device, instead of one per type and size;
        // released when the command ends, so the GPU memory it holds goes back to other programs.
        private void KeepContextAlive(CudaDevice device)
        {
            if (!_contextHolds.ContainsKey(device.Index)) _contextHolds[device.Index] = Runtime.KeepContextAlive(device.Index);
        }


        private IEnumerable<(long M, long N, long K)> Shapes()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(M))) return new[] { ((long)M, (long)N, (long)K) };
            IEnumerable<int> sizes = Sweep && !MyInvocation.BoundParameters.ContainsKey(nameof(Size)) ? SweepSizes : Size;
            return sizes.Select(s => ((long)s, (long)s, (long)s));
        }

        private void MeasureOne(CudaDevice device, MatMulDataType type, long m, long n, long k)
        {
            string activity = $"Measure-GpuMatMul: GPU {device.Index} {device.Name}";
            string shape = $"{type} {m}x{n}x{k}";
            var request = new MatMulRequest
            {
                DeviceIndex = device.Index,
                DataType = type,
                M = m,
                N = n,
                K = k,
                Iterations = Iterations,
                Warmup = Warmup,
                AlgorithmCandidates = AlgorithmCandidates,
                FastAccumulation = FastAccumulation && type == MatMulDataType.FP8, // the other types accumulate in full FP32 (or FP64)
            };
            try
            {
                KeepContextAlive(device);
                MatMulResult result = new MatMulBenchmark(Runtime).Run(request, device, _cancel.Token, p => Progress(activity, shape, p));
                WriteObject(result);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the engine released everything; PowerShell ends the pipeline (and the contexts kept
                // alive go back in Dispose).
                CompleteProgress();
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                ErrorRecord? record = ToErrorRecord(e, shape);
                if (LibraryFailures.IsLibraryNotFound(e))
                {
                    // No cuBLASLt: nothing else can run either.
                    _failed = true;
                    CompleteProgress();
                    ThrowTerminatingError(record);
                }

                // With -ErrorAction Stop this error ends the command, so the bar is closed first; the next
                // measurement, if any, opens it again.
                CompleteProgress();
                WriteError(record);
            }
        }

        private void Progress(string activity, string shape, MatMulProgress p) =>
            ReportProgress(activity, $"{shape}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0);

    }
}
