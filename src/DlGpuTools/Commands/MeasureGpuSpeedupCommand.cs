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
    /// per GPU on the information stream (shown by the host). GPUs are chosen as by every device command (-Index,
    /// -Uuid, piped devices), GPU 0 when none is named; each is set against the same CPU figures. Without a usable GPU
    /// the rows carry the CPU figures and the GPU's error is written once. Ctrl+C stops between batches.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuSpeedup")]
    [OutputType(typeof(GpuSpeedupResult))]
    public sealed class MeasureGpuSpeedupCommand : CpuMatMulCmdlet, IDisposable
    {
        /// <summary>A transformer MLP projection: 4096 tokens x hidden 4096 -> 16384.</summary>
        private static readonly (long M, long N, long K) MlpShape = (4096, 16384, 4096);

        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Dictionary<int, IDisposable> _contextHolds = new Dictionary<int, IDisposable>();
        private readonly List<CudaDevice> _devices = new List<CudaDevice>();
        private CpuMatMulBenchmark? _cpu;
        private DeviceInventory? _inventory;
        private bool _noGpu;

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } = { MatMulDataType.FP32, MatMulDataType.TF32, MatMulDataType.FP16, MatMulDataType.BF16 };

        [Parameter(Position = 1)]
        [ValidateRange(16, 32768)]
        public int[] Size { get; set; } = { 4096, 8192 };

        /// <summary>Leaves out the transformer MLP shape (4096 x 16384 x 4096) measured after the square sizes.</summary>
        [Parameter]
        public SwitchParameter NoMlpShape { get; set; }

        // The device parameters of DeviceCmdlet, declared again because this command's base is the CPU side's;
        // tests/Pester/DeviceSelection.Tests.ps1 holds every device command to the same declarations.

        /// <summary>The GPUs (CUDA indexes) to compare; GPU 0 when no GPU is named.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("DeviceIndex", "Ordinal")]
        [ValidateRange(0, int.MaxValue)]
        public int[]? Index { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("GpuUuid")]
        public string[]? Uuid { get; set; }

        /// <summary>Devices from Get-CudaDevice; matched by UUID (see DeviceSelector).</summary>
        [Parameter(ValueFromPipeline = true)]
        public CudaDevice[]? InputObject { get; set; }

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

            // Before any device is listed: a -Library that finds nothing stops the command first.
            _cpu = CreateCpuBenchmark();
        }

        /// <summary>Gathers the GPUs this record names; the driver's error, or a missing GPU's, is written once.</summary>
        protected override void ProcessRecord()
        {
            if (_noGpu) return;
            _inventory ??= EnumerateDevices(writeWarnings: false);
            if (_inventory == null)
            {
                _noGpu = true;
                return;
            }

            bool named = Index != null || Uuid != null || InputObject != null;
            foreach (CudaDevice device in SelectDevices(_inventory, named ? Index : FirstGpu, Uuid, InputObject))
            {
                if (_devices.TrueForAll(d => d.Index != device.Index)) _devices.Add(device);
            }
        }

        protected override void EndProcessing()
        {
            if (!(_cpu is CpuMatMulBenchmark cpu)) return;
            // No GPU (no driver, none named that exists): the rows carry the CPU figures alone.
            CudaDevice?[] devices = _devices.Count == 0 ? new CudaDevice?[] { null } : _devices.OrderBy(d => d.Index).ToArray();
            var shapes = SquareShapes(Size).ToList();
            if (!NoMlpShape) shapes.Add(MlpShape);
            var rows = new List<GpuSpeedupResult>();
            bool cpuBf16 = cpu.Supports(MatMulDataType.BF16);
            try
            {
                foreach (var shape in shapes)
                {
                    var cpuFigures = new Dictionary<MatMulDataType, CpuMatMulResult>();
                    foreach (MatMulDataType gpuType in DataType)
                    {
                        string label = $"{shape.M}x{shape.N}x{shape.K}";
                        // One GPU measurement per GPU, type and shape, whatever CPU figure it is set against.
                        var gpuResults = new Dictionary<int, MatMulResult?>();
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

                            foreach (CudaDevice? device in devices)
                            {
                                MatMulResult? gpuResult = null;
                                if (device != null && !gpuResults.TryGetValue(device.Index, out gpuResult))
                                {
                                    gpuResult = Try(() => MeasureGpu(device, gpuType, shape), $"GPU {device.Index} {gpuType} {label}");
                                    gpuResults[device.Index] = gpuResult;
                                }

                                var row = Row(shape, gpuType, cpuType, pairing, cpuResult, device, gpuResult);
                                rows.Add(row);
                                WriteObject(row);
                            }
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
                ReleaseContexts();
            }

            foreach (var gpu in rows.GroupBy(r => r.GpuIndex))
                WriteInformation(new HostInformationMessage { Message = SpeedupPairing.Summary(gpu.ToList()) }, SummaryTags);
        }

        private static GpuSpeedupResult Row((long M, long N, long K) shape, MatMulDataType gpuType, MatMulDataType cpuType, string pairing, CpuMatMulResult cpu, CudaDevice? device, MatMulResult? gpu) => new GpuSpeedupResult
        {
            M = shape.M,
            N = shape.N,
            K = shape.K,
            GpuDataType = gpuType.ToString(),
            CpuDataType = cpuType.ToString(),
            Pairing = pairing,
            CpuTflops = cpu.Tflops,
            GpuTflops = gpu?.Tflops,
            Speedup = gpu != null && cpu.Tflops > 0 ? Math.Round(gpu.Tflops / cpu.Tflops, 1) : (double?)null,
            CpuName = cpu.DeviceName,
            CpuLibrary = cpu.Library,
            CpuThreads = cpu.Threads,
            CpuPercentOfPeak = cpu.PercentOfPeak,
            GpuIndex = device?.Index,
            GpuName = device?.Name,
            Cpu = cpu,
            Gpu = gpu,
        };

        private static readonly string[] SummaryTags = { "PSHOST", "Summary" };

        private static readonly int[] FirstGpu = { 0 };

        protected override void StopProcessing() => _cancel.Cancel();

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

        private MatMulResult MeasureGpu(CudaDevice device, MatMulDataType type, (long M, long N, long K) shape)
        {
            if (!_contextHolds.ContainsKey(device.Index)) _contextHolds[device.Index] = Runtime.KeepContextAlive(device.Index);
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
