namespace DlGpuTools
{
    /// <summary>
    /// What every rank of a multi-process run needs to join the same NCCL communicator: the unique id rank 0's
    /// NCCL made (ncclGetUniqueId, 128 bytes, as base64), the host that made it and how many ranks will join.
    /// </summary>
    public sealed class CollectiveRendezvous
    {
        public string? UniqueId { get; set; }

        public string? HostName { get; set; }

        public int RankCount { get; set; }

        public string? NcclVersion { get; set; }

        public override string ToString() => $"NCCL rendezvous from {HostName} for {RankCount} ranks";
    }
}
