using System;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Bandwidth
{
    /// <summary>The bandwidth measurements' failures for <see cref="FailureClassifier"/>: ErrorId, category and remedy.</summary>
    public static class BandwidthFailures
    {
        public const string BandwidthBufferTooLarge = nameof(BandwidthBufferTooLarge);
        public const string BandwidthVerificationFailed = nameof(BandwidthVerificationFailed);
        public const string PinnedMemoryRefused = nameof(PinnedMemoryRefused);
        public const string BandwidthTimingFailed = nameof(BandwidthTimingFailed);
        public const string PeerAccessNotSupported = nameof(PeerAccessNotSupported);

        /// <summary>The failure for a bandwidth exception, or null for any other exception.</summary>
        public static Failure? Classify(Exception exception)
        {
            switch (exception)
            {
                case BandwidthBufferTooLargeException tooLarge:
                    return new Failure(BandwidthBufferTooLarge, FailureCategory.ResourceUnavailable, tooLarge.Message,
                        "Use a smaller -Size (for example -Size 256MB), or free GPU memory used by other processes (Get-CudaDevice shows them).");
                case BandwidthVerificationException wrong:
                    return new Failure(BandwidthVerificationFailed, FailureCategory.InvalidResult, wrong.Message,
                        "The GPU moved data wrongly: do not trust this card or driver. Run it again; if it repeats, check nvidia-smi -q for ECC errors and Xid messages in the kernel log.");
                case PinnedMemoryRefusedException pinned:
                    return new Failure(PinnedMemoryRefused, FailureCategory.ResourceUnavailable, pinned.Message,
                        "Use a smaller -Size, free host memory, or raise the locked-memory limit (ulimit -l; in a container, --ulimit memlock=-1). The pageable tests need no page-locked memory.");
                case BandwidthTimingException timing:
                    return new Failure(BandwidthTimingFailed, FailureCategory.DeviceError, timing.Message,
                        "Run it again on an idle GPU; a host this busy cannot queue a batch in time. Fewer -Iterations do not help; a smaller -Size shortens each batch.");
                case PeerAccessNotSupportedException peer:
                    return new Failure(PeerAccessNotSupported, FailureCategory.ResourceUnavailable, peer.Message,
                        "Get-GpuTopology shows the path between the GPUs. Peer access needs NVLink or a PCIe switch or root complex that allows it (and IOMMU/ACS settings that do not block it); copies through host memory still work.");
                default:
                    return null;
            }
        }
    }
}
