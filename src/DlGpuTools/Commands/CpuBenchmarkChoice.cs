using System;
using System.Management.Automation;
using DlGpuTools.Benchmarks;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// What Measure-CpuMatMul and Measure-GpuSpeedup share on the CPU side: the BLAS -Library chooses, and the
    /// warnings about what ran, each once per command. Held by the command rather than inherited, since
    /// Measure-GpuSpeedup's base is the device commands' one.
    /// </summary>
    internal sealed class CpuBenchmarkChoice
    {
        private readonly Cmdlet _cmdlet;
        private readonly int _threadCount;
        private bool _warned;
        private bool _warnedThreads;

        private CpuBenchmarkChoice(Cmdlet cmdlet, int threadCount, CpuMatMulBenchmark benchmark)
        {
            _cmdlet = cmdlet;
            _threadCount = threadCount;
            Benchmark = benchmark;
        }

        /// <summary>The CPU benchmark over the BLAS found (or the managed kernel, with its warning).</summary>
        public CpuMatMulBenchmark Benchmark { get; }

        /// <summary>The BLAS <paramref name="library"/> names, or the best found; CpuBlasNotFoundException when -Library names what is not
        /// here.</summary>
        public static CpuBenchmarkChoice Create(Cmdlet cmdlet, string? library, int threadCount, string currentDirectory)
        {
            if (cmdlet == null) throw new ArgumentNullException(nameof(cmdlet));
            CpuBlasChoice blas = CpuBlasChoice.Find(library, currentDirectory);
            foreach (string attempt in blas.Trace) cmdlet.WriteVerbose("BLAS search: " + attempt);
            if (blas.NamedButNotFound) throw new CpuBlasNotFoundException(library!, blas.SearchedText);
            return new CpuBenchmarkChoice(cmdlet, threadCount, blas.CreateBenchmark());
        }

        /// <summary>The warning a result carries (managed kernel, reference BLAS, threads not used), once per command.</summary>
        public void WarnOnce(CpuMatMulResult result)
        {
            if (result == null) throw new ArgumentNullException(nameof(result));
            // -ThreadCount 1000 on 2 cores ran 64 threads without a word: say what ran, and why, once.
            if (_threadCount > 0 && !_warnedThreads && (result.Threads != _threadCount || _threadCount > Environment.ProcessorCount))
            {
                _warnedThreads = true;
                string ran = result.Threads != _threadCount
                    ? Messages.Format(Messages.ThreadCountNotUsed, _threadCount, result.Threads, result.ThreadControl) + " "
                    : string.Empty;
                _cmdlet.WriteWarning(ran + Messages.Format(Messages.ThreadCountOverCpus, Environment.ProcessorCount));
            }

            if (string.IsNullOrEmpty(result.Warning) || _warned) return;
            _warned = true;
            _cmdlet.WriteWarning(result.Warning);
        }
    }
}
