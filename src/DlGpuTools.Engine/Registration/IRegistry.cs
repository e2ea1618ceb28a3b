using System.Collections.Generic;
using DlGpuTools.Errors;

namespace DlGpuTools.Registration
{
    /// <summary>
    /// What parameter validation, completion and docs need of any feature's registry, without its item type.
    /// A feature exposes its registry as a public static property of this type on one class (its catalogue),
    /// and the cmdlet layer finds it there (ValidateRegisteredIdAttribute, RegisteredIdCompleter).
    /// </summary>
    public interface IRegistry
    {
        string Feature { get; }

        /// <summary>The catalogue entry of the user error for an id this registry lacks.</summary>
        ErrorEntry UnknownItem { get; }

        IReadOnlyList<string> Ids { get; }

        /// <summary>The description of an id, for completion tooltips; null when the id is not registered.</summary>
        string? DescriptionOf(string id);
    }
}
