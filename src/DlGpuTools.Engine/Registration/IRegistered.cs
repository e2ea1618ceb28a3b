using System.Collections.Generic;

namespace DlGpuTools.Registration
{
    /// <summary>
    /// One test or check that a feature registers: a stable id users type and scripts match on, a sentence for
    /// help and completion tooltips, and the ids of the items whose results it needs, so the feature's runner
    /// orders the work from these declarations instead of a hand-kept sequence.
    /// </summary>
    public interface IRegistered
    {
        /// <summary>Stable across releases: parameter values, result rows and tests refer to it.</summary>
        string Id { get; }

        /// <summary>One sentence: what it measures or checks.</summary>
        string Description { get; }

        /// <summary>Ids of the items that must run first because this one reads their results; empty when none.</summary>
        IReadOnlyList<string> Needs { get; }
    }
}
