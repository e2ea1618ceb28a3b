using System;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Registration;

namespace DlGpuTools.Validation
{
    /// <summary>
    /// Accepts only ids the feature registers (any case), read from its registry at validation time, so a new
    /// test or check is valid the moment it is registered: no ValidateSet copy to keep in step.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateRegisteredIdAttribute : ValidateEnumeratedArgumentsAttribute
    {
        private readonly Type _catalogue;

        /// <param name="catalogue">The engine class whose public static IRegistry property lists the ids.</param>
        public ValidateRegisteredIdAttribute(Type catalogue)
        {
            _catalogue = catalogue;
        }

        protected override void ValidateElement(object element)
        {
            string id = element is PSObject wrapped ? wrapped.BaseObject?.ToString() ?? string.Empty : element?.ToString() ?? string.Empty;
            IRegistry registry = RegisteredIds.Of(_catalogue);
            if (!registry.Ids.Contains(id, StringComparer.OrdinalIgnoreCase))
            {
                throw new ValidationMetadataException($"There is no {registry.Feature} '{id}'. Use one of: "
                    + $"{string.Join(", ", registry.Ids)}.");
            }
        }
    }
}
