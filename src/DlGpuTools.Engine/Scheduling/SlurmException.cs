using System;
using DlGpuTools.Diagnostics;

namespace DlGpuTools.Scheduling
{
    /// <summary>
    /// A Slurm command could not be found, failed, or did not know the node. It carries its own error id, category
    /// and remedy, so the cmdlet layer reports it without a second table of Slurm failures.
    /// </summary>
    public sealed class SlurmException : Exception
    {
        public const string CommandNotFound = "SlurmCommandNotFound";
        public const string CommandFailed = "SlurmCommandFailed";
        public const string NodeNotFound = "SlurmNodeNotFound";

        public SlurmException(string errorId, FailureCategory category, string message, string remedy)
            : base(message)
        {
            ErrorId = errorId;
            Category = category;
            Remedy = remedy;
        }

        public string ErrorId { get; }

        public FailureCategory Category { get; }

        public string Remedy { get; }
    }
}
