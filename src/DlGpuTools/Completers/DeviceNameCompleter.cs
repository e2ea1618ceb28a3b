using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Completes -Name with the device names seen by the last Get-CudaDevice in this session, or by a
    /// fresh (cheap, NVML-free) enumeration the first time. Completion never writes errors.
    /// </summary>
    public sealed class DeviceNameCompleter : IArgumentCompleter
    {
        private static readonly object Gate = new object();
        private static string[] _names;

        internal static void Remember(IEnumerable<string> names)
        {
            lock (Gate) _names = names.Where(n => n != null).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string[] names;
            lock (Gate) names = _names;
            if (names == null)
            {
                try
                {
                    names = Devices.DeviceEnumerator.Enumerate(Devices.GpuRuntime.Shared).Devices.Select(d => d.Name).Distinct().ToArray();
                    Remember(names);
                }
                catch (Exception)
                {
                    // No driver, no device: nothing to offer; completion must not fail the prompt.
                    return Array.Empty<CompletionResult>();
                }
            }

            return Completion.Match(names, wordToComplete);
        }
    }
}
