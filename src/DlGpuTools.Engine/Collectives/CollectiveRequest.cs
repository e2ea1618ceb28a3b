using System;
using System.Collections.Generic;

namespace DlGpuTools.Collectives
{
    /// <summary>What to measure: the same for every rank of a run.</summary>
    public sealed class CollectiveRequest
    {
        /// <summary>nccl-tests' usual sweep, all_reduce_perf -b 8 -e 128M -f 2 (its README's example).</summary>
        public const ulong DefaultMinBytes = 8;

        public const ulong DefaultMaxBytes = 128UL << 20;

        /// <summary>Messages from this size on are judged against the expectation (busbw levels off there on NVLink and PCIe).</summary>
        public const ulong LargeMessageBytes = 64UL << 20;

        public IReadOnlyList<CollectiveOperation> Operations { get; set; } = new[] { CollectiveOperation.AllReduce };

        public CollectiveDataType DataType { get; set; } = CollectiveDataType.FP32;

        public CollectivePlacement Placement { get; set; } = CollectivePlacement.OutOfPlace;

        public ulong MinBytes { get; set; } = DefaultMinBytes;

        public ulong MaxBytes { get; set; } = DefaultMaxBytes;

        /// <summary>Operations per timed batch (nccl-tests -n, default 20).</summary>
        public int Iterations { get; set; } = 20;

        /// <summary>Untimed operations before the first batch of each size (nccl-tests -w, default 5).</summary>
        public int Warmup { get; set; } = 5;

        /// <summary>Timed batches per size; the headline is their median.</summary>
        public int Batches { get; set; } = 5;

        /// <summary>Longest wait for any one step (communicator setup, one batch, one check) before the run is aborted.</summary>
        public int TimeoutSeconds { get; set; } = 120;

        public void Validate()
        {
            if (Operations == null || Operations.Count == 0)
                throw new ArgumentException("Name at least one operation.", nameof(Operations));
            if (MinBytes < 1 || MaxBytes < MinBytes)
                throw new ArgumentException($"MinBytes ({MinBytes}) must be at least 1 and at most MaxBytes ({MaxBytes}).",
                    nameof(MinBytes));
            if (Iterations < 1 || Warmup < 0 || Batches < 1)
                throw new ArgumentException("Iterations and Batches must be at least 1, Warmup at least 0.", nameof(Iterations));
            if (TimeoutSeconds < 1) throw new ArgumentException("TimeoutSeconds must be at least 1.", nameof(TimeoutSeconds));
        }
    }
}
