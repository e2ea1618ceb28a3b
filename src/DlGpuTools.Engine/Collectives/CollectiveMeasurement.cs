using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// Measure-GpuCollective's engine. Local mode: this process drives every selected GPU as one rank each
    /// (ncclCommInitAll). Rank mode: this process is one rank of a run whose other ranks are other processes, on
    /// this host or others: rank 0 makes the rendezvous (<see cref="NewRendezvous()"/>), every rank calls
    /// <see cref="RunRank"/> with it, and <see cref="Merge"/> turns their results into one per operation.
    /// </summary>
    public sealed class CollectiveMeasurement
    {
        private readonly GpuRuntime _runtime;

        public CollectiveMeasurement(GpuRuntime runtime)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        }

        /// <summary>Called with a step's description and the percentage done; on the worker thread.</summary>
        public Action<string, double>? Progress { get; set; }

        /// <summary>Called about every 50 ms on the calling thread while the work runs (a cmdlet writes its progress there).</summary>
        public Action? WhileWaiting { get; set; }

        /// <summary>
        /// A new NCCL unique id (ncclGetUniqueId) for a run of <paramref name="rankCount"/> ranks, with this host's name.
        /// </summary>
        public CollectiveRendezvous NewRendezvous(int rankCount)
        {
            NcclLibrary nccl = _runtime.Nccl;
            nccl.ThrowIfFailed(nccl.ncclGetUniqueId(out NcclUniqueId id));
            return new CollectiveRendezvous
            {
                UniqueId = UniqueIdText.Encode(id),
                HostName = Environment.MachineName,
                RankCount = rankCount,
                NcclVersion = NcclLibrary.DecodeVersion(nccl.VersionCode)?.ToString(),
            };
        }

        public CollectiveRendezvous NewRendezvous() => NewRendezvous(0);

        /// <summary>
        /// Runs this process's rank: joins the communicator named by <paramref name="uniqueIdBase64"/> on local GPU
        /// <paramref name="localDeviceIndex"/> (a CUDA ordinal of this process) and measures the request. Failures
        /// after the join (NCCL errors, timeouts) are in the result's Failure; the result always comes back.
        /// </summary>
        public CollectiveRankResult RunRank(CollectiveRequest request, string uniqueIdBase64, int rank, int rankCount, int localDeviceIndex,
            CancellationToken cancellation)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            request.Validate();
            if (rankCount < 2) throw new CollectiveNeedsTwoGpusException($"-RankCount is {rankCount}");
            if (rank < 0 || rank >= rankCount)
                throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must be from 0 to {rankCount - 1}.");
            NcclUniqueId id = UniqueIdText.Decode(uniqueIdBase64);
            NcclLibrary nccl = LoadFor(request);
            CudaDriver cuda = InitializedDriver();
            var devices = new[] { Describe(cuda, localDeviceIndex) };
            var results = new[] { NewRankResult(nccl, request, rank, rankCount, devices[0]) };
            RunRanks(request, nccl, devices, new[] { rank }, rankCount, results, cancellation, (slots, comms) =>
            {
                // ncclCommInitRank takes the device from the current context (NCCL's cudaGetDevice).
                using (slots[0].Enter())
                {
                    nccl.ThrowIfFailed(nccl.ncclCommInitRank(out IntPtr comm, rankCount, id, rank));
                    slots[0].Comm = comm;
                    comms.Add(comm);
                }
            });
            return results[0];
        }

        /// <summary>Local mode: one rank per selected GPU, all driven by this process; one result per operation.</summary>
        public IReadOnlyList<CollectiveResult> RunLocal(CollectiveRequest request, IReadOnlyList<CudaDevice> devices,
            CancellationToken cancellation) =>
            Merge(RunLocalRanks(request, devices, cancellation));

        /// <summary>Local mode, each rank's own figures (a GPU that is slow against its peers shows here).</summary>
        public IReadOnlyList<CollectiveRankResult> RunLocalRanks(CollectiveRequest request, IReadOnlyList<CudaDevice> devices,
            CancellationToken cancellation)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (devices == null) throw new ArgumentNullException(nameof(devices));
            request.Validate();
            if (devices.Count < 2)
            {
                string found = devices.Count == 0 ? "no GPU was selected"
                    : $"only GPU {devices[0].Index} ({devices[0].Name}) was selected or visible";
                string? visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
                if (visible != null) found += $" (CUDA_VISIBLE_DEVICES is '{visible}')";
                throw new CollectiveNeedsTwoGpusException(found);
            }

            return RunLocalRanksOn(request, devices, cancellation);
        }

        /// <summary>
        /// The local run itself, for any number of GPUs: NCCL accepts a one-rank communicator (nccl-tests -g 1), which
        /// measures nothing a user asked about but lets a one-GPU machine prove the bindings against a real NCCL.
        /// </summary>
        private CollectiveRankResult[] RunLocalRanksOn(CollectiveRequest request, IReadOnlyList<CudaDevice> devices,
            CancellationToken cancellation)
        {
            NcclLibrary nccl = LoadFor(request);
            InitializedDriver();
            var ranks = Enumerable.Range(0, devices.Count).ToArray();
            var results = devices.Select((d, r) => NewRankResult(nccl, request, r, devices.Count, d)).ToArray();
            RunRanks(request, nccl, devices, ranks, devices.Count, results, cancellation, (slots, comms) =>
            {
                var handles = new IntPtr[slots.Count];
                nccl.ThrowIfFailed(nccl.ncclCommInitAll(handles, slots.Select(s => s.Device).ToArray()));
                for (int i = 0; i < slots.Count; i++)
                {
                    slots[i].Comm = handles[i];
                    comms.Add(handles[i]);
                }
            });
            return results;
        }

        private void RunRanks(CollectiveRequest request, NcclLibrary nccl, IReadOnlyList<CudaDevice> devices,
            int[] ranks, int rankCount,
            CollectiveRankResult[] results, CancellationToken cancellation, Action<IReadOnlyList<RankSlot>, CommunicatorSet> join)
        {
            var deadline = new CollectiveDeadline(request.TimeoutSeconds, cancellation);
            var comms = new CommunicatorSet(nccl);
            var port = new CudaPort(_runtime);
            try
            {
                CollectiveWorker.Run(() =>
                {
                    var slots = devices.Select((d, i) => new RankSlot(port, ranks[i], d.Index)).ToList();
                    bool clean = false;
                    try
                    {
                        foreach (RankSlot slot in slots) slot.Open();
                        Progress?.Invoke("Joining the NCCL communicator", 0);
                        join(slots, comms);
                        deadline.Progress();
                        var runner = new CollectiveRunner(port, nccl, request, slots, rankCount, comms, deadline, Progress);
                        runner.Allocate();
                        for (int o = 0; o < request.Operations.Count; o++)
                        {
                            List<CollectiveRankOperation> done = runner.Run(request.Operations[o], o, request.Operations.Count);
                            for (int i = 0; i < results.Length; i++) results[i].Operations.Add(done[i]);
                        }

                        clean = true;
                    }
                    finally
                    {
                        if (clean) comms.Destroy();
                        else comms.Abort();
                        foreach (RankSlot slot in slots) slot.Dispose();
                    }

                    return true;
                }, deadline, comms, "the collective run", WhileWaiting);
            }
            catch (Exception e) when (e is NcclException || e is CollectiveTimeoutException || e is CudaException
                || e is DeviceMemoryRefusedException)
            {
                // After the join, a failure is the run's result, not an error: the sizes measured so far stay.
                foreach (CollectiveRankResult r in results) r.Failure = e.Message;
            }
        }

        /// <summary>NCCL, refused up front when it lacks what an asked-for operation needs (before any rank joins).</summary>
        private NcclLibrary LoadFor(CollectiveRequest request)
        {
            NcclLibrary nccl = _runtime.Nccl;
            foreach (CollectiveOperation operation in request.Operations)
            {
                if ((operation == CollectiveOperation.AllToAll || operation == CollectiveOperation.SendRecv) && !nccl.HasPointToPoint)
                    throw new NcclTooOldException(operation.ToString(), "ncclSend",
                        NcclLibrary.DecodeVersion(nccl.VersionCode)?.ToString(), nccl.LibraryPath);
            }

            return nccl;
        }

        /// <summary>
        /// cuInit and the device's name stay on the driver: the port's device list enumerates every GPU through NVML as well,
        /// more than a rank that names its one device needs, and a failure there would stop a run that can go ahead.
        /// </summary>
        private CudaDriver InitializedDriver()
        {
            CudaDriver cuda = _runtime.Driver;
            cuda.ThrowIfFailed(cuda.cuInit());
            return cuda;
        }

        private static CudaDevice Describe(CudaDriver cuda, int index)
        {
            cuda.cuDeviceGet(index, out int handle);
            cuda.cuDeviceGetName(handle, out string? name);
            return new CudaDevice { Index = index, Name = name };
        }

        private static CollectiveRankResult NewRankResult(NcclLibrary nccl, CollectiveRequest request, int rank,
            int rankCount, CudaDevice device) =>
            new CollectiveRankResult
            {
                Rank = rank,
                RankCount = rankCount,
                HostName = Environment.MachineName,
                DeviceIndex = device.Index,
                DeviceName = device.Name,
                Uuid = device.Uuid,
                DataType = request.DataType.ToString(),
                Placement = request.Placement.ToString(),
                NcclVersion = NcclLibrary.DecodeVersion(nccl.VersionCode)?.ToString(),
                NcclPath = nccl.LibraryPath,
                Environment = CollectiveEnvironment.Current(),
            };

        /// <summary>The ranks' results as one result per operation (see <see cref="CollectiveMerge"/>).</summary>
        public static IReadOnlyList<CollectiveResult> Merge(IEnumerable<CollectiveRankResult> ranks) => CollectiveMerge.Merge(ranks);
    }
}
