using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DlGpuTools.Catalog;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Completes card names from the built-in card table (and the -CardTable file when one is bound) by the rule
    /// Get-GpuSpec looks them up with, so that Tab never offers a word the lookup refuses.
    /// </summary>
    public sealed class CardNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            CardCatalog catalog = CardCatalog.BuiltIn;
            if (fakeBoundParameters != null && fakeBoundParameters.Contains("CardTable"))
            {
                try
                {
                    catalog = CardCatalog.Load(fakeBoundParameters["CardTable"]?.ToString());
                }
                catch (CardTableException)
                {
                    // A broken or unreadable user table must not break the prompt; fall back to the built-in names. Any
                    // other exception is a bug, which PowerShell's completion turns into no completions, not a silent default.
                }
            }

            // The lookup's own rule (CardCatalog.Complete): Tab offers every card the word finds, and what it may become.
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return Completion.Results(catalog.Complete(word).Select(c => c.Name));
        }
    }
}
