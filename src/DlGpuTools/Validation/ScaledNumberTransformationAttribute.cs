using System;
using System.Globalization;
using System.Management.Automation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Lets size parameters take what deep-learning people write: 7B, 70B, 1.5B and 405B parameters, 8k and 128k
    /// tokens, besides plain numbers and PowerShell's own 7e9 and 8kb. Without it "-ModelParameters 7B" failed with
    /// a raw conversion error. Parameter counts are decimal (7B = 7,000,000,000); context lengths binary (8k = 8,192,
    /// as model cards mean it).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ScaledNumberTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <param name="binary">k means 1,024 (and M 1,024²) rather than 1,000: true for token counts.</param>
        public ScaledNumberTransformationAttribute(bool binary = false) => Binary = binary;

        public bool Binary { get; }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (!(value is string text)) return inputData;
            text = text.Trim().Replace("_", string.Empty).Replace(",", string.Empty);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain)) return plain;
            if (text.Length >= 2
                && double.TryParse(text.Substring(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                double k = Binary ? 1024 : 1000;
                switch (char.ToUpperInvariant(text[text.Length - 1]))
                {
                    case 'K': return number * k;
                    case 'M': return number * k * k;
                    case 'B':
                    case 'G': return number * k * k * k;
                    case 'T': return number * k * k * k * k;
                }
            }

            throw new ArgumentTransformationMetadataException(
                $"'{text}' is not a number: give a plain number or one with a suffix, as in 7B or 70B (parameters), 8k "
                    + "or 128k (tokens), 7e9.");
        }
    }
}
