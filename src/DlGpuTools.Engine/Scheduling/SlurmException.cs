using DlGpuTools.Errors;

namespace DlGpuTools.Scheduling
{
    /// <summary>
    /// A Slurm command could not be found, failed, or did not know the node.
    /// </summary>
    public sealed class SlurmException : DlGpuToolsException
    {
        public const string CommandNotFound = nameof(ErrorCatalogue.SlurmCommandNotFound);
        public const string CommandFailed = nameof(ErrorCatalogue.SlurmCommandFailed);
        public const string NodeNotFound = nameof(ErrorCatalogue.SlurmNodeNotFound);

        public SlurmException(string errorId, string message, string remedy)
            : base(ErrorCatalogue.Get(errorId), message, remedy)
        {
        }
    }
}
