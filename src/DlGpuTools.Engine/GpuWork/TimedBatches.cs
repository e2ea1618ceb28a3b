using System;
using System.Collections.Generic;
using System.Threading;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// The timing discipline every GPU measurement shares: size a batch from a first estimate so it lasts about the
    /// asked time, run untimed warm-up batches, then the timed batches (each a per-operation mean in milliseconds),
    /// whose median is the headline (<see cref="BatchTimes"/>). The batch itself (what is queued, how it is timed) is
    /// the caller's: a function from an operation count to milliseconds per operation.
    /// </summary>
    internal static class TimedBatches
    {
        /// <summary>The shortest per-operation estimate trusted: a faster one is timer noise.</summary>
        public const double ShortestEstimateMs = 1e-4;

        /// <summary>Operations per batch so a batch lasts about <paramref name="batchMilliseconds"/>, between 1 and <paramref
        /// name="maxOperations"/>.</summary>
        public static int OperationsPerBatch(double perOperationMs, double batchMilliseconds, int maxOperations) =>
            (int)Math.Max(1, Math.Min(maxOperations, Math.Round(batchMilliseconds / Math.Max(perOperationMs, ShortestEstimateMs))));

        /// <summary>Untimed batches that bring clocks, caches and lazily loaded code to their working state.</summary>
        public static void WarmUp(Func<int, double> batch, int operationsPerBatch, int batches, CancellationToken cancel)
        {
            for (int w = 0; w < batches; w++)
            {
                cancel.ThrowIfCancellationRequested();
                batch(operationsPerBatch);
            }
        }

        /// <summary>The timed batches, in order; <paramref name="before"/> hears each batch's number first (for progress).</summary>
        public static List<double> Measure(Func<int, double> batch, int operationsPerBatch, int batches, CancellationToken cancel,
            Action<int>? before = null)
        {
            var times = new List<double>(batches);
            for (int i = 0; i < batches; i++)
            {
                cancel.ThrowIfCancellationRequested();
                before?.Invoke(i);
                times.Add(batch(operationsPerBatch));
            }

            return times;
        }

        /// <summary>Estimate, warm up and measure in one call, for work with nothing to do between the phases.</summary>
        public static BatchTimes Run(Func<int, double> batch, BatchPlan plan, CancellationToken cancel, out int operationsPerBatch)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            operationsPerBatch = OperationsPerBatch(batch(1), plan.BatchMilliseconds, plan.MaxOperationsPerBatch);
            WarmUp(batch, operationsPerBatch, plan.Warmup, cancel);
            return new BatchTimes(Measure(batch, operationsPerBatch, plan.Iterations, cancel));
        }
    }

    /// <summary>How many batches, how long each, and how many untimed first.</summary>
    internal sealed class BatchPlan
    {
        public int Warmup { get; set; } = 2;

        public int Iterations { get; set; } = 10;

        public double BatchMilliseconds { get; set; } = 20;

        public int MaxOperationsPerBatch { get; set; } = 5000;
    }
}
