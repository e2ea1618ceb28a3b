using System;
using System.Management.Automation;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Validation
{
    /// <summary>
    /// Accepts a job name by the state store's own rule (<see cref="JobStateStore.IsValidName"/>), so the parameter
    /// and the file it names never disagree: no second copy of the rule as a pattern.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateJobNameAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string? name = arguments is PSObject wrapped ? wrapped.BaseObject?.ToString() : arguments?.ToString();
            if (!JobStateStore.IsValidName(name))
                throw new ValidationMetadataException($"'{name}' is not a job name: use 1 to 64 letters, digits, '.', '_' or '-', "
                    + "not starting with '.' or '-' (a file name, never a path).");
        }
    }
}
