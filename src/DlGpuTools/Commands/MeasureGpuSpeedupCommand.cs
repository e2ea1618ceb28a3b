using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// The GPU against this machine's CPU on the same GEMMs: for each shape and GPU data type, the CPU figure it is
    /// paired with (SpeedupPairing), the GPU figure (Measure-GpuMatMul's engine), and the ratio; then one summary line
    /// on the information stream (shown by the host). Without a usable GPU the rows carry the CPU figures and the
    /// GPU's error is written once. Ctrl+C stops between batches.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuSpeedup")]
    [OutputType(typeof(GpuSpeedupResult))]
    public sealed class MeasureGpuSpeedupCommand : CpuMatMulCmdlet, IDisposable
    {
        /// <summary>A transformer MLP projection: 4096 tokens x hidden 4096 -> 16384.</summary>
        private static readonly (long M, long N, long K) MlpShape = (4096, 16384, 4096);

        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private IDisposable? _contextHold;

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } = { MatMulDataType.FP32, MatMulDataType.TF32, MatMulDataType.FP16, MatMulDataType.BF16 };

        [Parameter(Position = 1)]
        [ValidateRange(16, 32768)]
        public int[] Size { get; set; } = { 4096, 8192 };

        /// <summary>Leaves out the transformer MLP shape (4096 x 16384 x 4096) measured after the square sizes.</summary>
        [Parameter]
        public SwitchParameter NoMlpShape { get; set; }

        /// <summary>The GPU (CUDA index) to compare.</summary>
        [Parameter]
        [Alias("DeviceIndex")]
        [ValidateRange(0, int.MaxValue)]
        public int Index { get; set; }

        [Parameter]
        [ValidateRange(1, 10000)]
        public int Iterations { get; set; } = 5;

        protected override void BeginProcessing()
        {
            if (DataType.Contains(MatMulDataType.FP8))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(Messages.Format(Messages.CpuTypeNotMeasured, "FP8")), "MatMulTypeNotSupported", ErrorCategory.InvalidArgument, DataType)
                {
                    ErrorDetails = new ErrorDetails(Messages.Format(Messages.CpuTypeNotMeasured, "FP8")) { RecommendedAction = "Compare FP64, FP32, TF32, FP16 or BF16; measure FP8 alone with Measure-GpuMatMul." },
                });
            }
        }

        protected override void EndProcessing()
        {
            CpuMatMulBenchmark? cpu = CreateCpuBenchmark();
            if (cpu == null) return;
            CudaDevice? device = FindDevice();
            var shapes = SquareShapes(Size).ToList();
            if (!NoMlpShape) shapes.Add(MlpShape);
            var rows = new List<GpuSpeedupResult>();
            bool cpuBf16 = CpuMatMulBenchmark.Supports(cpu.Blas, MatMulDataType.BF16);
            try
            {
                foreach (var shape in shapes)
                {
                    var cpuFigures = new Dictionary<MatMulDataType, CpuMatMulResult>();
                    foreach (MatMulDataType gpuType in DataType)
                    {
                        string label = $"{shape.M}x{shape.N}x{shape.K}";
                        bool gpuMeasured = false;
                        MatMulResult? gpuResult = null;
                        foreach (var (cpuType, pairing) in SpeedupPairing.All(gpuType, cpuBf16))
                        {
                            if (_cancel.IsCancellationRequested) return;
                            if (!cpuFigures.TryGetValue(cpuType, out CpuMatMulResult? cpuResult))
                            {
                                cpuResult = Try(() => cpu.Run(new CpuMatMulRequest { DataType = cpuType, M = shape.M, N = shape.N, K = shape.K, Iterations = Iterations, Threads = ThreadCount }, _cancel.Token,
                                    p => ReportProgress("Measure-GpuSpeedup: CPU", $"{cpuType} {label}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0)), $"CPU {cpuType} {label}");
                                if (cpuResult == null) continue;
                                WarnOnce(cpuResult);
                                cpuFigures[cpuType] = cpuResult;
                            }

                            // One GPU measurement per type and shape, whatever it is set against.
                            if (!gpuMeasured)
                            {
                                gpuResult = device == null ? null : Try(() => MeasureGpu(device, gpuType, shape), $"GPU {gpuType} {label}");
                                gpuMeasured = true;
                            }

                            var row = new GpuSpeedupResult
                            {
                                M = shape.M,
                                N = shape.N,
                                K = shape.K,
                                GpuDataType = gpuType.ToString(),
                                CpuDataType = cpuType.ToString(),
                                Pairing = pairing,
                                CpuTflops = cpuResult.Tflops,
                                GpuTflops = gpuResult?.Tflops,
                                Speedup = gpuResult != null && cpuResult.Tflops > 0 ? Math.Round(gpuResult.Tflops / cpuResult.Tflops, 1) : (double?)null,
                                CpuName = cpuResult.DeviceName,
                                CpuLibrary = cpuResult.Library,
                                CpuThreads = cpuResult.Threads,
                                CpuPercentOfPeak = cpuResult.PercentOfPeak,
                                GpuIndex = device?.Index,
                                GpuName = device?.Name,
                                Cpu = cpuResult,
                                Gpu = gpuResult,
                            };
                            rows.Add(row);
                            WriteObject(row);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                CompleteProgress();
                _contextHold?.Dispose();
                _contextHold = null;
            }

            if (rows.Count > 0) WriteInformation(new HostInformationMessage { Message = SpeedupPairing.Summary(rows) }, SummaryTags);
        }

        private static readonly string[] SummaryTags = { "PSHOST", "Summary" };

        protected override void StopProcessing() => _cancel.Cancel();

        public void Dispose()
        {
            _contextHold?.Dispose();
            _cancel.Dispose();
        }

        /// <summary>The GPU at -Index, or null after writing why there is none (no driver, no device, no such index).</summary>
        private CudaDevice? FindDevice()
        {
            DeviceInventory? inventory = EnumerateDevices(writeWarnings: false);
            if (inventory == null) return null;
            IReadOnlyList<CudaDevice> selected = SelectDevices(inventory, new[] { Index }, null, null);
            return selected.Count > 0 ? selected[0] : null;
        }

        private MatMulResult MeasureGpu(CudaDevice device, MatMulDataType type, (long M, long N, long K) shape)
        {
            _contextHold ??= Runtime.KeepContextAlive(device.Index);
            var request = new MatMulRequest { DeviceIndex = device.Index, DataType = type, M = shape.M, N = shape.N, K = shape.K, Iterations = Math.Max(5, Iterations) };
            return new MatMulBenchmark(Runtime).Run(request, device, _cancel.Token, p => ReportProgress("Measure-GpuSpeedup: GPU " + device.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{type} {shape.M}x{shape.N}x{shape.K}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0));
        }

        /// <summary>Runs one measurement; a failure the engine describes becomes a non-terminating error and null.</summary>
        private T? Try<T>(Func<T> measure, string label)
            where T : class
        {
            try
            {
                return measure();
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                CompleteProgress();
                WriteError(label.StartsWith("CPU", StringComparison.Ordinal) ? CpuErrorRecord(e, label) : ToErrorRecord(e, label));
                return null;
            }
        }
    }
}
