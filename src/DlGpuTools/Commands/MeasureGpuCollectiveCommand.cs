using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Collectives;
using DlGpuTools.Topology;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// NCCL collectives measured as nccl-tests measures them and verified against a host reference. Local (the
    /// default): this process drives every selected GPU, one rank each, and writes one result per operation with its
    /// expectation and verdict. Rank: this process is one rank of a run spread over processes or hosts; rank 0
    /// without -UniqueId first writes the rendezvous the other ranks need, and every rank writes its own result
    /// (CollectiveRankResult) for the launcher to merge.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GpuCollective", DefaultParameterSetName = LocalSet)]
    [OutputType(typeof(CollectiveResult), ParameterSetName = new[] { LocalSet, HostsSet, SessionsSet })]
    [OutputType(typeof(CollectiveRendezvous), typeof(CollectiveRankResult), ParameterSetName = new[] { RankSet })]
    public sealed partial class MeasureGpuCollectiveCommand : DeviceCmdlet
    {
        private const string LocalSet = "Local";
        private const string RankSet = "Rank";

        private readonly object _progressLock = new object();
        private string _status = "Starting";
        private double _percent;

        [Parameter(Position = 0)]
        public CollectiveOperation[] Operation { get; set; } = { CollectiveOperation.AllReduce };

        [Parameter]
        public CollectiveDataType DataType { get; set; } = CollectiveDataType.FP32;

        /// <summary>OutOfPlace (default, as nccl-tests lists first) or InPlace; AllToAll and SendRecv always run out of place.</summary>
        [Parameter]
        public CollectivePlacement Placement { get; set; } = CollectivePlacement.OutOfPlace;

        /// <summary>Smallest message (8, 64K, 1MiB...); sizes double up to -MaxBytes.</summary>
        [Parameter]
        [ByteSizeTransformation]
        [ValidateRange(1L, long.MaxValue)]
        public long MinBytes { get; set; } = (long)CollectiveRequest.DefaultMinBytes;

        [Parameter]
        [ByteSizeTransformation]
        [ValidateRange(1L, long.MaxValue)]
        public long MaxBytes { get; set; } = (long)CollectiveRequest.DefaultMaxBytes;

        [Parameter]
        [ValidateRange(1, 100000)]
        public int Iterations { get; set; } = 20;

        [Parameter]
        [ValidateRange(0, 100000)]
        public int Warmup { get; set; } = 5;

        [Parameter]
        [ValidateRange(1, 1000)]
        public int Batches { get; set; } = 5;

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 120;

        [Parameter(Mandatory = true, ParameterSetName = RankSet)]
        [ValidateRange(0, 65535)]
        public int Rank { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = RankSet)]
        [ValidateRange(2, 65536)]
        public int RankCount { get; set; }

        /// <summary>The rendezvous' UniqueId (base64); rank 0 makes one when it is left out.</summary>
        [Parameter(ParameterSetName = RankSet)]
        public string? UniqueId { get; set; }

        // With -HostName or -Session the GPUs are the hosts', not this computer's (which may have none).
        protected override void ProcessRecord()
        {
            if (!OnOtherHosts) CollectRequestedDevices();
        }

        protected override void EndProcessing()
        {
            if (NoDevices) return;
            if (MaxBytes < MinBytes) ThrowFailure(CollectiveArgumentException.SizeRange(MinBytes, MaxBytes), MaxBytes);

            if (OnOtherHosts)
            {
                MeasureOnHosts();
                return;
            }

            var request = new CollectiveRequest
            {
                Operations = Operation.Distinct().ToList(),
                DataType = DataType,
                Placement = Placement,
                MinBytes = (ulong)MinBytes,
                MaxBytes = (ulong)MaxBytes,
                Iterations = Iterations,
                Warmup = Warmup,
                Batches = Batches,
                TimeoutSeconds = TimeoutSeconds,
            };
            var engine = new CollectiveMeasurement(Runtime)
            {
                Progress = (status, percent) =>
                {
                    lock (_progressLock)
                    {
                        _status = status;
                        _percent = percent;
                    }
                },
            };
            engine.WhileWaiting = WriteCurrentProgress;
            try
            {
                if (ParameterSetName == RankSet) RunRank(engine, request);
                else RunLocal(engine, request);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the communicators were aborted and the memory freed.
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                ThrowFailure(e, Operation);
            }
            finally
            {
                CompleteProgress();
            }
        }

        protected override void StopProcessing()
        {
            base.StopProcessing();
            StopRanks();
        }

        private void RunLocal(CollectiveMeasurement engine, CollectiveRequest request)
        {
            IReadOnlyList<CudaDevice> devices = CollectedDevices;
            // Every GPU asked for is missing: DeviceIndexNotFound or DeviceUuidNotFound already says which, as in every command.
            if (devices.Count == 0 && DevicesNamed) return;
            IReadOnlyList<CollectiveResult> results = engine.RunLocal(request, devices, Cancellation);
            IReadOnlyList<GpuTopology> topology = Array.Empty<GpuTopology>();
            try
            {
                topology = TopologyReader.Read(Runtime, devices, new List<string>());
            }
            catch (Exception e) when (IsKnownFailure(e))
            {
                WriteVerbose("No topology for the expectation: " + e.Message);
            }

            foreach (CollectiveResult result in results)
            {
                CollectiveExpectation.Judge(result, topology, devices);
                WriteObject(result);
            }
        }

        private void RunRank(CollectiveMeasurement engine, CollectiveRequest request)
        {
            IReadOnlyList<CudaDevice> devices = CollectedDevices;
            bool selected = DevicesNamed;
            if (selected && devices.Count != 1) ThrowFailure(CollectiveArgumentException.RankNeedsOneGpu(devices.Count),
                devices.Select(d => d.Index).ToArray());

            // Without a selection, ranks on one host take its GPUs in turn (rank modulo the GPUs visible).
            CudaDevice device = selected ? devices[0] : devices[Rank % devices.Count];
            string? id = UniqueId;
            if (string.IsNullOrEmpty(id))
            {
                if (Rank != 0)
                    ThrowFailure(new CollectiveRendezvousException("Only rank 0 may start without -UniqueId; give the other ranks the "
                        + "UniqueId rank 0 wrote."), Rank);

                CollectiveRendezvous rendezvous = engine.NewRendezvous(RankCount);
                WriteObject(rendezvous);
                id = rendezvous.UniqueId;
            }

            // Set above: either given, or rank 0 just made it (NewRendezvous always returns an id).
            WriteObject(engine.RunRank(request, id!, Rank, RankCount, device.Index, Cancellation));
        }

        private void WriteCurrentProgress()
        {
            string status;
            double percent;
            lock (_progressLock)
            {
                status = _status;
                percent = _percent;
            }

            ReportProgress("Measure-GpuCollective", status, (int)percent);
        }
    }
}
