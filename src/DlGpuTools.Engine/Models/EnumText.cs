using System;

namespace DlGpuTools
{
    /// <summary>
    /// Reads the text property of a model back into its enum. A model stores a domain value (a status, verdict, kind)
    /// as an enum that the engine compares, and shows it as the enum's name in a string property: ConvertTo-Json writes
    /// an enum as its number in both Windows PowerShell 5.1 and PowerShell 7 (only 7 has -EnumsAsStrings), while the
    /// name reads the same in JSON, CSV, views and after remoting. The string property's setter comes here, so a
    /// deserialized or JSON object that PowerShell converts back into the model (by setting its properties) carries
    /// the same value, and a name the enum does not define is refused rather than stored.
    /// </summary>
    internal static class EnumText
    {
        /// <summary>
        /// The value <paramref name="text"/> names, case-insensitive as PowerShell binds enum parameters; a number the enum
        /// defines is taken too, since a model that a script built from an enum-typed value may carry one.
        /// </summary>
        public static T Parse<T>(string? text, string property)
            where T : struct
        {
            if (text != null && Enum.TryParse(text.Trim(), true, out T value) && Enum.IsDefined(typeof(T), value))
            {
                return value;
            }

            throw new ArgumentException(
                $"'{text}' is not a {typeof(T).Name}; {property} is one of: {string.Join(", ", Enum.GetNames(typeof(T)))}.", property);
        }

        /// <summary>The value <paramref name="text"/> names, or null where it names none (for tables that report a bad cell).</summary>
        public static T? TryParse<T>(string? text)
            where T : struct =>
            text != null && Enum.TryParse(text.Trim(), true, out T value) && Enum.IsDefined(typeof(T), value) ? value : (T?)null;

        /// <summary>
        /// The value whose name <paramref name="text"/> is (any case), or null for any other text: a number or a list is a
        /// label that happens to parse, not a name (a method shown as "4" or "FP32, TF32" names no precision).
        /// </summary>
        public static T? TryParseName<T>(string? text)
            where T : struct
        {
            if (text == null) return null;
            string? name = Array.Find(Enum.GetNames(typeof(T)), n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            return name == null ? (T?)null : (T)Enum.Parse(typeof(T), name);
        }

        /// <summary>The value <paramref name="text"/> names, or null for empty text.</summary>
        public static T? ParseOptional<T>(string? text, string property)
            where T : struct =>
            string.IsNullOrEmpty(text) ? (T?)null : Parse<T>(text, property);
    }
}
