namespace DlGpuTools
{
    /// <summary>
    /// One NCCL collective measured over every message size, on every rank: how fast, how it was counted, whether
    /// the data arrived right, and whether the large-message figure is what the topology allows.
    /// </summary>
    public sealed class CollectiveResult
    {
        /// <summary>AllReduce, AllGather, ReduceScatter, Broadcast, Reduce, AllToAll or SendRecv.</summary>
        public string? Operation { get; set; }

        /// <summary>FP32, BF16 or FP16; the reduction is a sum.</summary>
        public string? DataType { get; set; }

        /// <summary>InPlace (the output overwrites the input, as most training code runs it) or OutOfPlace.</summary>
        public string? Placement { get; set; }

        public int RankCount { get; set; }

        /// <summary>"host:GPU index (name)" of each rank, in rank order.</summary>
        public ReadableList<string> Ranks { get; set; } = new ReadableList<string>();

        /// <summary>One row per message size, smallest first.</summary>
        public ReadableList<CollectiveSize> Sizes { get; set; } = new ReadableList<CollectiveSize>();

        /// <summary>
        /// Passed, Warning or Failed: wrong data or an error fails; a large-message figure below expectation warns. The name
        /// of <see cref="CheckStatus"/> (see <see cref="EnumText"/>).
        /// </summary>
        public string Status { get => CheckStatus.ToString(); set => CheckStatus = EnumText.Parse<CheckStatus>(value, nameof(Status)); }

        internal CheckStatus CheckStatus { get; set; }

        /// <summary>Why the status is what it is, with the likely cause of a shortfall.</summary>
        public string? Verdict { get; set; }

        /// <summary>Bus bandwidth the topology allows between these GPUs, in GB/s; null where it is not known.</summary>
        public double? ExpectedBusGBps { get; set; }

        /// <summary>How <see cref="ExpectedBusGBps"/> was worked out, with the published figure and its source where one exists.</summary>
        public string? ExpectationBasis { get; set; }

        /// <summary>Median bus bandwidth over the sizes of at least <see cref="LargeMessageBytes"/>, in GB/s.</summary>
        public double? LargeMessageBusGBps { get; set; }

        public ulong LargeMessageBytes { get; set; }

        /// <summary>How the figures were measured and how bytes were counted.</summary>
        public string? Method { get; set; }

        public string? NcclVersion { get; set; }

        public string? NcclPath { get; set; }

        /// <summary>
        /// NCCL variables set in the environment that change its algorithm or transport (NCCL_P2P_DISABLE, NCCL_ALGO...).
        /// </summary>
        public ReadableDictionary Environment { get; set; } = new ReadableDictionary();

        /// <summary>The failure that ended the run (a hang, a refused call); null when every size ran.</summary>
        public string? Failure { get; set; }

        public override string ToString() => $"{Operation} {DataType} x{RankCount}: {Status}";
    }

    /// <summary>One message size of a collective: time, algorithm and bus bandwidth, and the data check.</summary>
    public sealed class CollectiveSize
    {
        /// <summary>Message size as nccl-tests prints it ("size"): see the result's Method for each operation's count.</summary>
        public ulong Bytes { get; set; }

        /// <summary>Elements per rank buffer that NCCL was given ("count").</summary>
        public ulong Elements { get; set; }

        /// <summary>
        /// Time of one operation: the median timed batch divided by its iterations, of the slowest rank, in microseconds.
        /// </summary>
        public double TimeMicroseconds { get; set; }

        /// <summary>Bytes / time, in GB/s (10^9).</summary>
        public double AlgorithmGBps { get; set; }

        /// <summary>
        /// Algorithm bandwidth times the operation's factor (AllReduce 2(n-1)/n...), comparable with link speed, in GB/s.
        /// </summary>
        public double BusGBps { get; set; }

        /// <summary>Elements that differed from the host reference, summed over ranks.</summary>
        public long WrongElements { get; set; }

        /// <summary>Elements compared with the host reference, summed over ranks.</summary>
        public long CheckedElements { get; set; }

        /// <summary>Passed or Failed (wrong data): the name of <see cref="CheckStatus"/>.</summary>
        public string Status { get => CheckStatus.ToString(); set => CheckStatus = EnumText.Parse<CheckStatus>(value, nameof(Status)); }

        internal CheckStatus CheckStatus { get; set; }

        public override string ToString() => $"{Bytes} B: {BusGBps:0.##} GB/s bus, {WrongElements} wrong";
    }
}
