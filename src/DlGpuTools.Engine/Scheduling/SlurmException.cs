using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;

namespace DlGpuTools.Scheduling
{
    /// <summary>
    /// A Slurm command could not be found, failed, or did not know the node.
    /// </summary>
    public sealed class SlurmException : DlGpuToolsException
    {
        public const string CommandNotFound = "SlurmCommandNotFound";
        public const string CommandFailed = "SlurmCommandFailed";
        public const string NodeNotFound = "SlurmNodeNotFound";

        public SlurmException(string errorId, FailureCategory category, string message, string remedy)
            : base(errorId, category, message, remedy)
        {
        }
    }
}
