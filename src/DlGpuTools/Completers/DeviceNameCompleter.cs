using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Completes -Name with the device names seen by the last Get-CudaDevice in this process or, before any, the
    /// models the Linux kernel module lists in /proc. A completer runs on every Tab press, so it never loads a
    /// library, initialises the driver or creates a context, and never writes errors.
    /// </summary>
    public sealed class DeviceNameCompleter : IArgumentCompleter
    {
        private static readonly object Gate = new object();
        // Null until Get-CudaDevice has listed the devices once in this process.
        private static string[]? _names;

        internal static void Remember(IEnumerable<string?> names)
        {
            string[] distinct = names.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            lock (Gate) _names = distinct;
        }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string[]? names;
            lock (Gate) names = _names;
            if (names == null) names = Devices.HostFacts.ReadLinuxGpuModels().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return Completion.Match(names, wordToComplete);
        }
    }
}
