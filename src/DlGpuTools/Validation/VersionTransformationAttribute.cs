using System;
using System.Globalization;
using System.Management.Automation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Lets version parameters take what people type: "12" or 12 (System.Version needs at least major.minor, so
    /// "12" alone failed to convert), as well as "12.4" and "9.1.0".
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class VersionTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case Version version:
                    return version;
                case int major when major >= 0:
                    return new Version(major, 0);
                case long major when major >= 0 && major <= int.MaxValue:
                    return new Version((int)major, 0);
                case double number when number >= 0 && number < int.MaxValue:
                    // A literal such as 9.20 arrives as the double 9.2; PowerShell keeps the text as typed on the
                    // wrapping PSObject, and 9.20 means minor version 20, not 2.
                    return Parse(inputData is PSObject typed ? typed.ToString() : number.ToString(CultureInfo.InvariantCulture));
                case string text:
                    return Parse(text.Trim());
                default:
                    return inputData;
            }
        }

        private static Version Parse(string text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int major)) return new Version(major, 0);
            if (Version.TryParse(text, out Version version)) return version;
            throw new ArgumentTransformationMetadataException($"'{text}' is not a version: give major.minor, for "
                + "example 12.4 (or just 12).");
        }
    }
}
