using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using DlGpuTools.Recommendations;

namespace DlGpuTools.Commands
{
    /// <summary>Completes -Model from the built-in presets: an in-memory list, so Tab reads no file and starts nothing.</summary>
    public sealed class ModelPresetCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.Match(ModelPresets.Names, wordToComplete);
    }
}
