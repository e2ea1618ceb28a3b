using System.Collections.Generic;
using DlGpuTools.Errors;

namespace DlGpuTools.Registration
{
    /// <summary>The user named a test or check that the feature does not have.</summary>
    public sealed class UnknownRegisteredIdException : DlGpuToolsException
    {
        /// <param name="entry">The registry's own "unknown item" entry (UnknownBandwidthTest, UnknownHealthCheck, ...).</param>
        /// <param name="feature">What the items are, for the message: "bandwidth test".</param>
        /// <param name="id">The id that named no item.</param>
        /// <param name="known">The ids there are.</param>
        public UnknownRegisteredIdException(ErrorEntry entry, string feature, string? id, IReadOnlyList<string> known)
            : base(
                entry,
                $"There is no {feature} '{id}'.",
                $"Use one of: {string.Join(", ", known)} (Tab completes them).")
        {
            Feature = feature;
            Id = id;
        }

        public string Feature { get; }

        public string? Id { get; }
    }
}
