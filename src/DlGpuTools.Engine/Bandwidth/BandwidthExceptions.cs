using System;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Bandwidth
{
    /// <summary>The buffers a test needs do not fit in the GPU's (or the host's) free memory.</summary>
    public sealed class BandwidthBufferTooLargeException : DlGpuToolsException
    {
        public BandwidthBufferTooLargeException(string what, ulong neededBytes, ulong freeBytes, string? detail = null)
            : base(ErrorCatalogue.BandwidthBufferTooLarge, $"{what} needs {neededBytes / 1048576.0:N0} MiB; "
                + $"{freeBytes / 1048576.0:N0} MiB are free" + (detail == null ? "." : $" ({detail})."))
        {
            NeededBytes = neededBytes;
            FreeBytes = freeBytes;
        }

        /// <summary>Host memory the OS refused, where how much is free is not known.</summary>
        public BandwidthBufferTooLargeException(string what, ulong neededBytes, Exception refusal)
            : base(ErrorCatalogue.BandwidthBufferTooLarge,
                $"{what} ({neededBytes / 1048576.0:N0} MiB) was refused by the host ({refusal.Message}). Use a smaller -Size or free "
                    + "host memory.",
                innerException: refusal)
        {
            NeededBytes = neededBytes;
        }

        public ulong NeededBytes { get; }

        public ulong FreeBytes { get; }
    }

    /// <summary>The data after the copies is not what was copied: a figure that must not be reported.</summary>
    public sealed class BandwidthVerificationException : DlGpuToolsException
    {
        public BandwidthVerificationException(string test, int device, string detail)
            : base(ErrorCatalogue.BandwidthVerificationFailed, $"{test} on GPU {device}: the data after the copies is wrong ({detail}).")
        {
            Test = test;
        }

        public string Test { get; }
    }

    /// <summary>The OS refused page-locked host memory (its locked-memory limit, or not enough memory).</summary>
    public sealed class PinnedMemoryRefusedException : DlGpuToolsException
    {
        internal PinnedMemoryRefusedException(ulong bytes, CudaException cause)
            : base(ErrorCatalogue.PinnedMemoryRefused,
                $"cuMemHostAlloc refused {bytes / 1048576.0:N0} MiB of page-locked host memory ({cause.ErrorName}: {cause.ErrorText}).",
                innerException: cause)
        {
            Bytes = bytes;
        }

        public ulong Bytes { get; }
    }

    /// <summary>The spin kernel gave up before the batch was queued, so the batch's time would include enqueueing.</summary>
    public sealed class BandwidthTimingException : DlGpuToolsException
    {
        public BandwidthTimingException(string test, int device)
            : base(ErrorCatalogue.BandwidthTimingFailed, $"{test} on GPU {device}: the batch was not queued within the spin kernel's "
                + $"{SpinGate.TimeoutNanoseconds / 1e9:0} s wait, so its time is not a copy time and was discarded.")
        {
        }
    }

    /// <summary>Two GPUs cannot reach each other's memory directly (no NVLink or PCIe peer path, or the driver forbids it).</summary>
    public sealed class PeerAccessNotSupportedException : DlGpuToolsException
    {
        public PeerAccessNotSupportedException(int device, int peer, string reason)
            : base(ErrorCatalogue.PeerAccessNotSupported, $"GPU {device} cannot access GPU {peer}'s memory directly: {reason}.")
        {
            Device = device;
            Peer = peer;
        }

        public int Device { get; }

        public int Peer { get; }
    }
}
