using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Measures GEMM throughput through cuBLASLt for each device, data type and size asked for. Devices come
    /// from -Index or -Uuid, bound by property name from Get-CudaDevice (also deserialized or JSON objects);
    /// without them, every device. Ctrl+C stops between batches and frees all GPU memory.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuMatMul")]
    [OutputType(typeof(MatMulResult))]
    public sealed class MeasureGpuMatMulCommand : DeviceCmdlet
    {
        private static readonly int[] DefaultSizes = { 8192 };

        private readonly Dictionary<int, IDisposable> _contextHolds = new Dictionary<int, IDisposable>();
        private IReadOnlyList<(long M, long N, long K)> _shapes = Array.Empty<(long, long, long)>();
        private bool _failed;

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } = { MatMulDataType.FP32, MatMulDataType.TF32,
            MatMulDataType.FP16, MatMulDataType.BF16 };

        // One parameter set, checked in BeginProcessing: with sets, mixing -Size and -M/-N/-K only got
        // PowerShell's "Parameter set cannot be resolved", which does not say which to use.
        [Parameter(Position = 1)]
        [ValidateRange(16, 65536)]
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
            try
            {
                _shapes = MatMulShapes.Resolve(Given(nameof(M), M), Given(nameof(N), N), Given(nameof(K), K),
                    MyInvocation.BoundParameters.ContainsKey(nameof(Size)) ? Size : null, Sweep, DefaultSizes);
            }
            catch (MatMulArgumentException e)
            {
                ThrowFailure(e, null);
            }

            try
            {
                MatMulArgumentException.RefuseFastAccumulationWithoutFp8(FastAccumulation, DataType);
            }
            catch (MatMulArgumentException e)
            {
                ThrowFailure(e, DataType);
            }
        }

        protected override void ProcessRecord()
        {
            if (_failed) return;
            IReadOnlyList<CudaDevice>? devices = RequestedDevices();
            if (devices == null) return;
            foreach (CudaDevice device in devices)
            {
                foreach (var shape in _shapes)
                {
                    foreach (MatMulDataType type in DataType)
                    {
                        if (StopRequested) return;
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

        // However the pipeline ended (Ctrl+C, a terminating error, a downstream Select-Object -First), the contexts this
        // command kept alive are given back.
        protected override void Dispose(bool disposing)
        {
            if (disposing) ReleaseContexts();
            base.Dispose(disposing);
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


        private int? Given(string parameter, int value) => MyInvocation.BoundParameters.ContainsKey(parameter) ? value : (int?)null;

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
                MatMulResult result = new MatMulBenchmark(Runtime).Run(request, device, Cancellation, p => Progress(activity, shape, p));
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
                if (LibraryFailures.IsLibraryNotFound(e))
                {
                    // No cuBLASLt: nothing else can run either.
                    _failed = true;
                    ThrowFailure(e, shape);
                }

                // With -ErrorAction Stop this error ends the command, so the bar is closed first; the next
                // measurement, if any, opens it again.
                CompleteProgress();
                WriteFailure(e, shape);
            }
        }

        private void Progress(string activity, string shape, MatMulProgress p) =>
            ReportProgress(activity, $"{shape}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0);

    }
}
