namespace DlGpuTools
{
    /// <summary>
    /// What one rank of a multi-process collective run measured: plain properties, so it crosses PowerShell
    /// remoting and JSON intact. <c>CollectiveMeasurement.Merge</c> turns the ranks' results into one
    /// <see cref="CollectiveResult"/> per operation.
    /// </summary>
    public sealed class CollectiveRankResult
    {
        public int Rank { get; set; }

        public int RankCount { get; set; }

        public string? HostName { get; set; }

        public int DeviceIndex { get; set; }

        public string? DeviceName { get; set; }

        public string? Uuid { get; set; }

        public string? DataType { get; set; }

        public string? Placement { get; set; }

        public string? NcclVersion { get; set; }

        public string? NcclPath { get; set; }

        public ReadableDictionary Environment { get; set; } = new ReadableDictionary();

        /// <summary>One entry per operation measured, in the order asked for.</summary>
        public ReadableList<CollectiveRankOperation> Operations { get; set; } = new ReadableList<CollectiveRankOperation>();

        /// <summary>What stopped this rank (a timeout, an NCCL error); null when it ran to the end.</summary>
        public string? Failure { get; set; }

        public override string ToString() => $"rank {Rank}/{RankCount} on {HostName} GPU {DeviceIndex}";
    }

    /// <summary>One operation on one rank: its timings and data checks per size.</summary>
    public sealed class CollectiveRankOperation
    {
        public string? Operation { get; set; }

        public ReadableList<CollectiveRankSize> Sizes { get; set; } = new ReadableList<CollectiveRankSize>();

        public string? Failure { get; set; }

        public override string ToString() => Operation + ": " + Sizes.Count + " sizes";
    }

    /// <summary>One size on one rank.</summary>
    public sealed class CollectiveRankSize
    {
        public ulong Bytes { get; set; }

        public ulong Elements { get; set; }

        /// <summary>Each timed batch's time per operation, in microseconds, in the order run.</summary>
        public ReadableList<double> BatchMicroseconds { get; set; } = new ReadableList<double>();

        public long WrongElements { get; set; }

        public long CheckedElements { get; set; }

        public override string ToString() => $"{Bytes} B: {BatchMicroseconds.Count} batches, {WrongElements} wrong";
    }
}
