using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Bandwidth
{
    /// <summary>The buffers a test needs do not fit in the GPU's (or the host's) free memory.</summary>
    public sealed class BandwidthBufferTooLargeException : Exception
    {
        public BandwidthBufferTooLargeException(string what, ulong neededBytes, ulong freeBytes, string? detail = null)
            : base($"{what} needs {neededBytes / 1048576.0:N0} MiB; {freeBytes / 1048576.0:N0} MiB are free" + (detail == null ? "." : $" ({detail})."))
        {
            NeededBytes = neededBytes;
            FreeBytes = freeBytes;
        }

        /// <summary>Host memory the OS refused, where how much is free is not known.</summary>
        public BandwidthBufferTooLargeException(string what, ulong neededBytes, Exception refusal)
            : base($"{what} ({neededBytes / 1048576.0:N0} MiB) was refused by the host ({refusal.Message}). Use a smaller -Size or free host memory.", refusal)
        {
            NeededBytes = neededBytes;
        }

        public ulong NeededBytes { get; }

        public ulong FreeBytes { get; }
    }

    /// <summary>The data after the copies is not what was copied: a figure that must not be reported.</summary>
    public sealed class BandwidthVerificationException : Exception
    {
        public BandwidthVerificationException(string test, int device, string detail)
            : base($"{test} on GPU {device}: the data after the copies is wrong ({detail}).")
        {
            Test = test;
        }

        public string Test { get; }
    }

    /// <summary>The driver refused the engine's PTX kernels (the bandwidth or the health kernels); carries the JIT compiler's logs.</summary>
    public sealed class BandwidthKernelRejectedException : Exception
    {
        internal BandwidthKernelRejectedException(string kernels, CudaException first, string firstLog, string firstDirectives, CudaException second, string secondLog, string secondDirectives)
            : base($"The CUDA driver refused the {kernels}. With {firstDirectives}: {first.ErrorName}" + Log(firstLog)
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

    /// <summary>The OS refused page-locked host memory (its locked-memory limit, or not enough memory).</summary>
    public sealed class PinnedMemoryRefusedException : Exception
    {
        internal PinnedMemoryRefusedException(ulong bytes, CudaException cause)
            : base($"cuMemHostAlloc refused {bytes / 1048576.0:N0} MiB of page-locked host memory ({cause.ErrorName}: {cause.ErrorText}).", cause)
        {
            Bytes = bytes;
        }

        public ulong Bytes { get; }
    }

    /// <summary>The spin kernel gave up before the batch was queued, so the batch's time would include enqueueing.</summary>
    public sealed class BandwidthTimingException : Exception
    {
        public BandwidthTimingException(string test, int device)
            : base($"{test} on GPU {device}: the batch was not queued within the spin kernel's {SpinGate.TimeoutNanoseconds / 1e9:0} s wait, so its time is not a copy time and was discarded.")
        {
        }
    }

    /// <summary>Two GPUs cannot reach each other's memory directly (no NVLink or PCIe peer path, or the driver forbids it).</summary>
    public sealed class PeerAccessNotSupportedException : Exception
    {
        public PeerAccessNotSupportedException(int device, int peer, string reason)
            : base($"GPU {device} cannot access GPU {peer}'s memory directly: {reason}.")
        {
            Device = device;
            Peer = peer;
        }

        public int Device { get; }

        public int Peer { get; }
    }
}
