using System;
using System.Globalization;
using System.Management.Automation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Byte sizes as people write them: 8, 1GB and 128MB (PowerShell's own literals, binary), and the strings "1GiB",
    /// "128MiB", "64K" or "1G" (binary too, as nccl-tests reads -b and -e).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ByteSizeTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (!(value is string text)) return inputData;
            string t = text.Trim().Replace("_", string.Empty).ToUpperInvariant();
            if (t.EndsWith("IB", StringComparison.Ordinal)) t = t.Substring(0, t.Length - 2);
            else if (t.EndsWith("B", StringComparison.Ordinal)) t = t.Substring(0, t.Length - 1);
            double scale = 1;
            if (t.Length > 0 && "KMGT".IndexOf(t[t.Length - 1]) >= 0)
            {
                scale = Math.Pow(1024, "KMGT".IndexOf(t[t.Length - 1]) + 1);
                t = t.Substring(0, t.Length - 1);
            }

            if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number >= 0)
                return (long)Math.Round(number * scale);
            throw new ArgumentTransformationMetadataException(
                $"'{text}' is not a byte size: write a number, optionally with K, M, G or T (KiB, MiB, GiB, TiB; all binary), for "
                    + "example 8, 64K or 1GiB.");
        }
    }
}
