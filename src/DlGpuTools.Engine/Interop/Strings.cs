using System.Diagnostics.CodeAnalysis;

namespace DlGpuTools
{
    /// <summary>
    /// string.IsNullOrEmpty and IsNullOrWhiteSpace as the compiler's null analysis understands them: netstandard2.0's
    /// string class carries no nullable annotations, so after its checks the compiler would still think a value may be null.
    /// </summary>
    internal static class Strings
    {
        public static bool IsNullOrEmpty([NotNullWhen(false)] string? value) => string.IsNullOrEmpty(value);

        public static bool IsNullOrWhiteSpace([NotNullWhen(false)] string? value) => string.IsNullOrWhiteSpace(value);
    }
}
