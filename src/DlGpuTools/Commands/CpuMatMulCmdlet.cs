using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Benchmarks;

namespace DlGpuTools.Commands
{
    /// <summary>What Measure-CpuMatMul and Measure-GpuSpeedup share: choosing the BLAS and the threads, and the error when -Library finds nothing.</summary>
    public abstract class CpuMatMulCmdlet : DlGpuCmdlet
    {
        /// <summary>A BLAS family (Mkl, MklInPyTorch, OpenBlas, Blis, Accelerate, Reference) or a library file.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(BlasLibraryCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Library { get; set; }

        [Parameter]
        [ValidateRange(1, 4096)]
        public int ThreadCount { get; set; }

        /// <summary>
        /// The CPU benchmark over the BLAS found (or the managed kernel, with its warning); null after writing
        /// CpuBlasNotFound when -Library named something that is not here.
        /// </summary>
        protected CpuMatMulBenchmark? CreateCpuBenchmark()
        {
            CpuBlasChoice blas = CpuBlasChoice.Find(Library, CurrentDirectory);
            foreach (string attempt in blas.Trace) WriteVerbose("BLAS search: " + attempt);
            if (blas.NamedButNotFound)
            {
                string message = Messages.Format(Messages.CpuBlasNotFound, Library!, blas.SearchedText);
                ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException(message), "CpuBlasNotFound", ErrorCategory.ObjectNotFound, Library)
                {
                    ErrorDetails = new ErrorDetails(message) { RecommendedAction = Messages.CpuBlasNotFoundRemedy + " " + CpuMatMulBenchmark.BlasRemedy() },
                });
            }

            return blas.CreateBenchmark();
        }

        /// <summary>The warning a result carries (managed kernel, reference BLAS), once per command.</summary>
        protected void WarnOnce(CpuMatMulResult result)
        {
            // -ThreadCount 1000 on 2 cores ran 64 threads without a word: say what ran, and why, once.
            if (ThreadCount > 0 && !_warnedThreads && (result.Threads != ThreadCount || ThreadCount > Environment.ProcessorCount))
            {
                _warnedThreads = true;
                string ran = result.Threads != ThreadCount ? Messages.Format(Messages.ThreadCountNotUsed, ThreadCount, result.Threads, result.ThreadControl) + " " : string.Empty;
                WriteWarning(ran + Messages.Format(Messages.ThreadCountOverCpus, Environment.ProcessorCount));
            }

            if (string.IsNullOrEmpty(result.Warning) || _warned) return;
            _warned = true;
            WriteWarning(result.Warning);
        }

        private bool _warned;
        private bool _warnedThreads;

        /// <summary>
        /// The error for a failed CPU measurement: the engine's usual record, except that "type not supported" gets
        /// the CPU's remedy (the shared one speaks of GPU generations).
        /// </summary>
        protected static ErrorRecord CpuErrorRecord(Exception e, object? target)
        {
            // Callers filter with IsKnownFailure, so the classifier knows the exception; anything else is a bug to surface.
            ErrorRecord record = ToErrorRecord(e, target) ?? throw new InvalidOperationException("An unclassified failure reached the CPU error path: " + e.Message, e);
            if (e is MatMulTypeNotSupportedException)
                record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = Messages.CpuTypeRemedy };
            return record;
        }

        protected static IEnumerable<(long M, long N, long K)> SquareShapes(IEnumerable<int> sizes) => sizes.Select(s => ((long)s, (long)s, (long)s));
    }
}
