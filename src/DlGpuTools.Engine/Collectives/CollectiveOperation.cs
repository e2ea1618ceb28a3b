namespace DlGpuTools.Collectives
{
    /// <summary>The collectives Measure-GpuCollective runs, named as nccl-tests' binaries are (all_reduce_perf...).</summary>
    public enum CollectiveOperation
    {
        AllReduce,
        AllGather,
        ReduceScatter,
        Broadcast,
        Reduce,

        /// <summary>
        /// Every rank sends an equal share of its buffer to every rank, as grouped ncclSend/ncclRecv (nccl-tests alltoall_perf).
        /// </summary>
        AllToAll,

        /// <summary>
        /// Each rank sends its buffer to the next rank and receives from the previous one, in a ring (nccl-tests sendrecv_perf).
        /// </summary>
        SendRecv,
    }

    /// <summary>Element types measured; the reduction is always a sum.</summary>
    public enum CollectiveDataType
    {
        FP32,
        BF16,
        FP16,
    }

    /// <summary>Where the output goes: over the input (in place) or into a buffer of its own.</summary>
    public enum CollectivePlacement
    {
        OutOfPlace,
        InPlace,
    }
}
