using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>NCCL could not be loaded: what was searched, and how to install it.</summary>
    internal sealed class NcclNotFoundException : DlGpuToolsException
    {
        public NcclNotFoundException(string message, bool isWindows, NativeLibraryNotFoundException? search = null)
            : base(ErrorCatalogue.NcclNotFound, isWindows ? FailureCategory.NotImplemented : FailureCategory.NotInstalled, message,
                isWindows
                    ? NcclCandidates.WindowsHasNone
                    : "Install NCCL 2 (NVIDIA's libnccl2 package, or pip install nvidia-nccl-cu12 into a Python this "
                        + "module finds), or set $env:"
                      + NcclCandidates.OverrideVariable + " to a libnccl.so.2 file (PyTorch's is in site-packages/nvidia/nccl/lib).", null)
        {
            Search = search;
        }

        /// <summary>The probe's answer for each candidate (a file found but refused, or nothing found); null when none was tried.</summary>
        public NativeLibraryNotFoundException? Search { get; }
    }
}
