using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Samples as the Prometheus commands take them: live GpuSample objects, or their copies from remoting, jobs
    /// or ConvertFrom-Json (Deserialized.DlGpuTools.GpuSample, PSCustomObject), so one machine can publish the
    /// samples of many: Invoke-Command -ComputerName a, b { Get-GpuSample } | Export-GpuMetric -Path ...
    /// </summary>
    internal static class GpuSampleInput
    {
        private static readonly PropertyInfo[] Properties = typeof(GpuSample).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();

        /// <summary>The sample an input object is or describes; null for an object without a Uuid and an Index.</summary>
        public static GpuSample? From(PSObject input)
        {
            if (input == null) return null;
            if (input.BaseObject is GpuSample live) return live;
            if (input.Properties["Uuid"] == null || input.Properties["Index"] == null) return null;
            var sample = new GpuSample();
            foreach (PropertyInfo property in Properties)
            {
                object? value = input.Properties[property.Name]?.Value;
                if (value == null) continue;
                if (value is PSObject wrapped) value = wrapped.BaseObject;
                // ArrayList (deserialized string[]) and object[] (JSON) become string[]; numbers and dates convert.
                property.SetValue(sample, LanguagePrimitives.ConvertTo(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
            }

            return sample;
        }
    }
}
