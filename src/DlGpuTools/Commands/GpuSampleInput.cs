using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Samples as the Prometheus commands take them: live GpuSample objects, or their copies from remoting, jobs
    /// or ConvertFrom-Json (Deserialized.DlGpuTools.GpuSample, PSCustomObject), so one machine can publish the
    /// samples of many: Invoke-Command -ComputerName a, b { Get-GpuSample } | Export-GpuMetric -Path ...
    /// </summary>
    internal static class GpuSampleInput
    {
        private static readonly PropertyInfo[] Properties = typeof(GpuSample).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToArray();

        /// <summary>
        /// Adds each input that is or describes a sample to <paramref name="samples"/>; every other input gets its own
        /// non-terminating InputNotGpuSample error with the reason, and the rest are still taken: one host's bad
        /// sample must not cost a fleet's export.
        /// </summary>
        public static IReadOnlyList<(PSObject Input, MetricExportException Why)> Collect(IEnumerable<PSObject> inputs,
            List<GpuSample> samples)
        {
            var rejected = new List<(PSObject, MetricExportException)>();
            foreach (PSObject input in inputs)
            {
                GpuSample? sample = From(input, out string? why);
                if (sample != null)
                {
                    samples.Add(sample);
                    continue;
                }

                rejected.Add((input, MetricExportException.InputNotSample(input?.ToString() ?? string.Empty, why ?? string.Empty)));
            }

            return rejected;
        }

        /// <summary>The sample an input object is or describes; null, with the reason, for one that is not a sample.</summary>
        public static GpuSample? From(PSObject input, out string? why)
        {
            why = null;
            if (input == null)
            {
                why = "it is null";
                return null;
            }

            if (input.BaseObject is GpuSample live) return live;
            if (input.Properties["Uuid"] == null || input.Properties["Index"] == null)
            {
                why = "it has no Uuid and Index";
                return null;
            }

            var sample = new GpuSample();
            foreach (PropertyInfo property in Properties)
            {
                object? value = input.Properties[property.Name]?.Value;
                if (value == null) continue;
                if (value is PSObject wrapped) value = wrapped.BaseObject;
                try
                {
                    // ArrayList (deserialized string[]) and object[] (JSON) become string[]; numbers and dates convert.
                    property.SetValue(sample,
                        LanguagePrimitives.ConvertTo(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (PSInvalidCastException)
                {
                    why = $"its {property.Name} '{value}' is not a "
                        + $"{Nullable.GetUnderlyingType(property.PropertyType)?.Name ?? property.PropertyType.Name}";
                    return null;
                }
            }

            return sample;
        }
    }
}
