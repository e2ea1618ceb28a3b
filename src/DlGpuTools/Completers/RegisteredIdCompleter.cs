using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DlGpuTools.Registration;
using DlGpuTools.Validation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Tab completion over a feature's registered ids, in run order, with each item's description as the
    /// tooltip. A feature's completer is a one-line subclass naming its catalogue class, because
    /// ArgumentCompleterAttribute takes a type and no arguments.
    /// </summary>
    public abstract class RegisteredIdCompleter : IArgumentCompleter
    {
        private readonly Type _catalogue;

        protected RegisteredIdCompleter(Type catalogue)
        {
            _catalogue = catalogue;
        }

        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IRegistry registry = RegisteredIds.Of(_catalogue);
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
            return registry.Ids
                .Where(id => pattern.IsMatch(id))
                .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, registry.DescriptionOf(id) ?? id))
                .ToList();
        }
    }
}
