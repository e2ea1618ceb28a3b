using System;
using System.Collections.Generic;

namespace DlGpuTools.Health
{
    /// <summary>What one GPU's GEMM stress did: throughput, result comparisons, and what stopped it early.</summary>
    internal sealed class StressOutcome
    {
        public StressOutcome(CudaDevice device)
        {
            Device = device;
        }

        public CudaDevice Device { get; }

        public int Index => Device.Index;

        public string DataType { get; set; } = string.Empty;

        public long Size { get; set; }

        /// <summary>Result buffers per batch: each batch writes every one once and compares each with the first result.</summary>
        public int ResultsPerBatch { get; set; }

        public int Batches { get; set; }

        public long Calls { get; set; }

        /// <summary>Results compared bit for bit with the first result.</summary>
        public long Compared { get; set; }

        /// <summary>Results that differed from the first result in at least one word.</summary>
        public long FaultyResults { get; set; }

        /// <summary>32-bit words that differed, over all faulty results.</summary>
        public long FaultyWords { get; set; }

        /// <summary>The first result's relative error on sampled elements against a double CPU reference.</summary>
        public double? ReferenceError { get; set; }

        /// <summary>Why the first result failed its CPU reference check; null when it passed.</summary>
        public string? ReferenceFailure { get; set; }

        /// <summary>
        /// A 64-bit hash of the first result's bytes: GPUs of the same model (same SM count) running the same cuBLASLt
        /// algorithm on the same inputs must produce the same bits, so a GPU whose hash differs from its peers' is wrong
        /// in a way that comparing it with itself cannot show.
        /// </summary>
        public ulong? FirstResultHash { get; set; }

        /// <summary>Milliseconds per GEMM of each timed batch after the warm-up.</summary>
        public List<double> CallMilliseconds { get; } = new List<double>();

        public double Seconds { get; set; }

        public double? Tflops { get; set; }

        public double? PeakTflops { get; set; }

        /// <summary>The failure that ended the stress on this GPU (out of memory, a CUDA error); null when it ran.</summary>
        public Exception? Failure { get; set; }

        /// <summary>True when the worker did not come back within the stress time plus the timeout: a hung GPU.</summary>
        public bool Hung { get; set; }

        public string Algorithm { get; set; } = string.Empty;
    }
}
