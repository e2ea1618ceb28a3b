using System.Collections.Generic;
using DlGpuTools.Errors;

namespace DlGpuTools.Registration
{
    /// <summary>The user named a test or check that the feature does not have.</summary>
    public sealed class UnknownRegisteredIdException : DlGpuToolsException
    {
        public UnknownRegisteredIdException(string feature, string? id, IReadOnlyList<string> known)
            : base(
                ErrorCatalogue.Get("Unknown" + Pascal(feature)),
                $"There is no {feature} '{id}'.",
                $"Use one of: {string.Join(", ", known)} (Tab completes them).")
        {
            Feature = feature;
            Id = id;
        }

        public string Feature { get; }

        public string? Id { get; }

        private static string Pascal(string words)
        {
            var parts = words.Split(' ');
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Length > 0) parts[i] = char.ToUpperInvariant(parts[i][0]) + parts[i].Substring(1);
            }

            return string.Concat(parts);
        }
    }
}
