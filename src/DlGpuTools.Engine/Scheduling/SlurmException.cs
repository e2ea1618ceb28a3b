using DlGpuTools.Errors;

namespace DlGpuTools.Scheduling
{
    /// <summary>
    /// A Slurm command could not be found, failed, or did not know the node.
    /// </summary>
    public sealed class SlurmException : DlGpuToolsException
    {
        /// <summary>For SlurmCommandNotFound, SlurmCommandFailed or SlurmNodeNotFound.</summary>
        public SlurmException(ErrorEntry entry, string message, string remedy)
            : base(entry, message, remedy)
        {
        }
    }
}
