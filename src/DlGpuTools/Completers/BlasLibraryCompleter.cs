using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DlGpuTools.Benchmarks;

namespace DlGpuTools.Commands
{
    /// <summary>Completes -Library: the BLAS family names, then the library files on this machine's candidate list that exist.</summary>
    public sealed class BlasLibraryCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            // An unreadable folder must not break the prompt: the family names still complete.
            return Completion.Match(CpuBlasChoice.FamilyNames, wordToComplete)
                .Concat(Completion.Match(CpuBlasChoice.LibraryFilesHere(), wordToComplete));
        }
    }
}
