using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// The driver refused the engine's PTX kernels (bandwidth or health kernels) with both the portable directives
    /// and the GPU's own; carries the JIT compiler's logs. The error id predates the shared loader and is kept.
    /// </summary>
    public sealed class KernelRejectedException : DlGpuToolsException
    {
        internal KernelRejectedException(
            string kernels, CudaException first, string firstLog, string firstDirectives, CudaException second, string secondLog,
                string secondDirectives)
            : base(
                ErrorCatalogue.BandwidthKernelRejected,
                $"The CUDA driver refused the {kernels}. With {firstDirectives}: {first.ErrorName}" + Log(firstLog)
                + $" With {secondDirectives}: {second.ErrorName}" + Log(secondLog))
        {
            Result = second.Result;
            JitLog = Strings.IsNullOrEmpty(secondLog) ? firstLog : secondLog;
        }

        internal CudaResult Result { get; }

        /// <summary>The JIT compiler's error log of the last attempt (empty when the driver wrote none).</summary>
        public string JitLog { get; }

        private static string Log(string log) => Strings.IsNullOrEmpty(log) ? " (no JIT log)." : $"; JIT log: {log.Trim()}.";
    }
}
