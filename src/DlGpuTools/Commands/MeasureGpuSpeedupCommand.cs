using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Benchmarks;

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
    public sealed class MeasureGpuSpeedupCommand : DeviceCmdlet, IDynamicParameters
    {
        private static readonly string[] SummaryTags = { "PSHOST", "Summary" };

        private readonly Dictionary<int, IDisposable> _contextHolds = new Dictionary<int, IDisposable>();
        private readonly List<CudaDevice> _devices = new List<CudaDevice>();
        private readonly CpuBlasParameters _cpuParameters = new CpuBlasParameters();
        private CpuBenchmarkChoice? _cpu;

        [Parameter(Position = 0)]
        public MatMulDataType[] DataType { get; set; } =
            { MatMulDataType.FP32, MatMulDataType.TF32, MatMulDataType.FP16, MatMulDataType.BF16 };

        [Parameter(Position = 1)]
        [ValidateRange(16, 32768)]
        public int[] Size { get; set; } = { 4096, 8192 };

        /// <summary>Leaves out the transformer MLP shape (4096 x 16384 x 4096) measured after the square sizes.</summary>
        [Parameter]
        public SwitchParameter NoMlpShape { get; set; }

        [Parameter]
        [ValidateRange(1, 10000)]
        public int Iterations { get; set; } = 5;

        /// <summary>
        /// GPU 0 when no GPU is named (documented in its help): every GPU would repeat the long CPU-bound comparison for
        /// cards that are usually alike, and the question asked is "this GPU against this CPU".
        /// </summary>
        protected override int[]? DefaultIndexes => FirstGpu;

        private static readonly int[] FirstGpu = { 0 };

        /// <summary>-Library and -ThreadCount (<see cref="CpuBlasParameters"/>), shared with the other CPU-measuring command.</summary>
        public object GetDynamicParameters() => _cpuParameters;

        protected override void BeginProcessing()
        {
            try
            {
                SpeedupPairing.RefuseUnpaired(DataType,
                    "Compare FP64, FP32, TF32, FP16 or BF16; measure FP8 alone with Measure-GpuMatMul.");
                // Before any device is listed: a -Library that finds nothing stops the command first.
                _cpu = _cpuParameters.Choose(this, CurrentDirectory);
            }
            catch (MatMulArgumentException e)
            {
                ThrowFailure(e, DataType);
            }
            catch (CpuBlasNotFoundException e)
            {
                ThrowFailure(e, Library);
            }
        }

        /// <summary>Gathers the GPUs this record names; the driver's error, or a missing GPU's, is written once.</summary>
        protected override void ProcessRecord() => CollectRequestedDevices();

        protected override void EndProcessing()
        {
            if (!(_cpu is CpuBenchmarkChoice cpu)) return;
            // No GPU (no driver, none named that exists): the rows carry the CPU figures alone.
            CudaDevice?[] devices = CollectedDevices.Count == 0 ? new CudaDevice?[] { null } : CollectedDevices.ToArray();
            var rows = new List<GpuSpeedupResult>();
            bool cpuBf16 = cpu.Benchmark.Supports(MatMulDataType.BF16);
            bool finished = RunStoppable(() =>
            {
                foreach (var shape in SpeedupRows.Shapes(Size, withMlpShape: !NoMlpShape))
                {
                    var cpuFigures = new Dictionary<MatMulDataType, CpuMatMulResult>();
                    foreach (MatMulDataType gpuType in DataType)
                    {
                        string label = $"{shape.M}x{shape.N}x{shape.K}";
                        // One GPU measurement per GPU, type and shape, whatever CPU figure it is set against.
                        var gpuResults = new Dictionary<int, MatMulResult?>();
                        foreach (var (cpuType, pairing) in SpeedupPairing.All(gpuType, cpuBf16))
                        {
                            if (StopRequested) return;
                            if (!cpuFigures.TryGetValue(cpuType, out CpuMatMulResult? cpuResult))
                            {
                                cpuResult = Try(() => MeasureCpu(cpu, cpuType, shape, label), $"CPU {cpuType} {label}");
                                if (cpuResult == null) continue;
                                cpu.WarnOnce(cpuResult);
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

                                GpuSpeedupResult row = SpeedupRows.Row(shape, gpuType, cpuType, pairing, cpuResult, device, gpuResult);
                                rows.Add(row);
                                WriteObject(row);
                            }
                        }
                    }
                }
            });
            ReleaseContexts();
            if (!finished || StopRequested) return;
            foreach (string summary in SpeedupRows.Summaries(rows))
                WriteInformation(new HostInformationMessage { Message = summary }, SummaryTags);
        }

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

        private CpuMatMulResult MeasureCpu(CpuBenchmarkChoice cpu, MatMulDataType type, (long M, long N, long K) shape, string label)
        {
            var request = new CpuMatMulRequest { DataType = type, M = shape.M, N = shape.N, K = shape.K, Iterations = Iterations,
                Threads = ThreadCount };
            return cpu.Benchmark.Run(request, Cancellation,
                p => ReportProgress("Measure-GpuSpeedup: CPU", $"{type} {label}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0));
        }

        private MatMulResult MeasureGpu(CudaDevice device, MatMulDataType type, (long M, long N, long K) shape)
        {
            if (!_contextHolds.ContainsKey(device.Index)) _contextHolds[device.Index] = Runtime.KeepContextAlive(device.Index);
            var request = new MatMulRequest { DeviceIndex = device.Index, DataType = type, M = shape.M, N = shape.N, K = shape.K,
                Iterations = Math.Max(5, Iterations) };
            return new MatMulBenchmark(Runtime).Run(request, device, Cancellation, p => ReportProgress("Measure-GpuSpeedup: GPU "
                + device.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"{type} {shape.M}x{shape.N}x{shape.K}: {p.Phase}", p.Total > 0 ? 100 * p.Done / p.Total : 0));
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
                WriteFailure(e, label);
                return null;
            }
        }

        private string? Library => _cpuParameters.Library;

        private int ThreadCount => _cpuParameters.ThreadCount;
    }
}
