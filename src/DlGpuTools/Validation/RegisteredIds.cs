using System;
using System.Linq;
using System.Reflection;
using DlGpuTools.Registration;

namespace DlGpuTools.Validation
{
    /// <summary>Finds the registry a feature's catalogue class exposes (its one public static IRegistry property).</summary>
    internal static class RegisteredIds
    {
        public static IRegistry Of(Type catalogue)
        {
            PropertyInfo? property = catalogue
                .GetProperties(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(p => typeof(IRegistry).IsAssignableFrom(p.PropertyType));
            if (property == null)
                throw new ArgumentException($"{catalogue.FullName} exposes no public static IRegistry property.", nameof(catalogue));
            return (IRegistry)property.GetValue(null)!;
        }
    }
}
