using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DlGpuTools.Interop;

namespace DlGpuTools.Commands
{
    /// <summary>Completes -Library: the BLAS family names, then the library files on this machine's candidate list that exist.</summary>
    public sealed class BlasLibraryCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<string> families = Enum.GetNames(typeof(BlasFamily));
            IEnumerable<string> files;
            try
            {
                files = CpuBlasCandidates.For(ProbeEnvironment.Current())
                    .Select(c => c.Candidate.Path)
                    .Where(p => System.IO.Path.IsPathRooted(p) && System.IO.File.Exists(p))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                // An unreadable folder must not break the prompt: the family names still complete.
                files = Array.Empty<string>();
            }

            return Completion.Match(families, wordToComplete).Concat(Completion.Match(files, wordToComplete));
        }
    }
}
