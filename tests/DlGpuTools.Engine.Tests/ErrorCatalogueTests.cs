using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using DlGpuTools.Errors;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The error catalogue is the one place errors are described: every engine exception derives from
    /// <see cref="DlGpuToolsException"/> and so takes a catalogue entry, every entry is complete, and every error id the
    /// cmdlets write is in the table.
    /// </summary>
    public class ErrorCatalogueTests
    {
        /// <summary>
        /// I/O failures of <see cref="BoundedFile"/>: callers catch them as IOException together with the framework's own
        /// (a FIFO or a huge file where a file was expected reads like an unreadable file), and none reaches a user as
        /// itself: the table loaders, the job store and Export-GpuMetric each turn it into their own error.
        /// </summary>
        private static readonly Type[] IoExceptions = { typeof(NotARegularFileException), typeof(FileTooLargeException) };

        private static readonly Assembly Engine = typeof(DlGpuToolsException).Assembly;

        [Fact]
        public void Every_engine_exception_type_derives_from_DlGpuToolsException()
        {
            Assert.Empty(Undescribed(Engine.GetTypes()));
        }

        [Fact]
        public void The_check_finds_an_exception_that_does_not_derive_from_the_base()
        {
            var found = Undescribed(new[]
            {
                typeof(PlantedPlainException), typeof(PlantedDescribedException), typeof(NotARegularFileException),
            });

            Assert.Equal(new[] { typeof(PlantedPlainException) }, found);
        }

        [Fact]
        public void Entries_are_made_only_by_the_catalogue_so_every_exception_id_is_one_of_its_ids()
        {
            // DlGpuToolsException takes an ErrorEntry, and only ErrorCatalogue creates them: an exception cannot carry an id
            // the table lacks. Checked in the IL of every engine method, lambdas included.
            ConstructorInfo[] constructors = typeof(ErrorEntry).GetConstructors(Instances);
            Assert.All(constructors, c => Assert.False(c.IsPublic, "ErrorEntry must not be public to construct"));
            var makers = Engine.GetTypes()
                .SelectMany(t => t.GetMethods(All).Cast<MethodBase>().Concat(t.GetConstructors(All)))
                .Where(m => FolderGraph.MembersUsedBy(m).OfType<ConstructorInfo>().Any(c => c.DeclaringType == typeof(ErrorEntry)))
                .Select(m => Outermost(m.DeclaringType!))
                .Distinct()
                .ToList();

            Assert.Equal(new[] { typeof(ErrorCatalogue) }, makers);
        }

        [Fact]
        public void Engine_exceptions_name_entries_by_field_and_hold_no_id_strings()
        {
            // An id string that feeds a lookup is checked only when the error happens; a field is checked by the compiler.
            var exceptionIds = Engine.GetTypes()
                .Where(t => typeof(DlGpuToolsException).IsAssignableFrom(t))
                .SelectMany(t => t.GetFields(PublicStatic).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
                .Where(f => ErrorCatalogue.Find((string)f.GetRawConstantValue()!) != null)
                .Select(f => f.DeclaringType!.Name + "." + f.Name);
            var classifierIds = typeof(Diagnostics.FailureClassifier).GetFields(PublicStatic)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (Field: f.Name, Id: (string)f.GetRawConstantValue()!))
                .ToList();

            Assert.Empty(exceptionIds);
            Assert.NotEmpty(classifierIds);
            Assert.All(classifierIds, c => Assert.True(ErrorCatalogue.Find(c.Id) != null, $"{c.Field} = '{c.Id}' is not in the catalogue"));
        }

        [Fact]
        public void No_public_exception_constructor_takes_a_category_beside_its_entry()
        {
            // The entry carries the category; a caller that passes one too can restate it or contradict it.
            var restating = Engine.GetTypes()
                .Where(t => typeof(DlGpuToolsException).IsAssignableFrom(t) && !t.IsAbstract)
                .SelectMany(t => t.GetConstructors())
                .Where(c => c.GetParameters().Any(p => p.ParameterType == typeof(FailureCategory)))
                .Select(c => c.DeclaringType!.Name + "(" + string.Join(", ", c.GetParameters().Select(p => p.ParameterType.Name)) + ")")
                .ToList();

            Assert.Empty(restating);
            var unreachable = new Collectives.CollectiveHostException(ErrorCatalogue.CollectiveHostUnreachable, "m", "r", "gpu7");
            Assert.Equal("gpu7", unreachable.Target);
        }

        [Fact]
        public void Every_registry_names_an_unknown_item_with_its_own_catalogue_entry()
        {
            var registries = Engine.GetTypes()
                .Where(t => !t.ContainsGenericParameters)
                .SelectMany(t => t.GetFields(All).Where(f => f.IsStatic)
                    .Select(f => (f.FieldType, Value: (Func<object?>)(() => f.GetValue(null))))
                    .Concat(t.GetProperties(All).Where(p => p.GetMethod?.IsStatic == true)
                        .Select(p => (FieldType: p.PropertyType, Value: (Func<object?>)(() => p.GetValue(null))))))
                .Where(m => typeof(Registration.IRegistry).IsAssignableFrom(m.FieldType))
                .Select(m => (Registration.IRegistry)m.Value()!)
                .Distinct()
                .ToList();

            Assert.True(registries.Count >= 3, string.Join(", ", registries.Select(r => r.Feature)));
            Assert.Equal(registries.Count, registries.Select(r => r.UnknownItem).Distinct().Count());
            Assert.All(registries, r =>
            {
                Assert.Same(r.UnknownItem, ErrorCatalogue.Find(r.UnknownItem.Id));
                Assert.Equal(FailureCategory.InvalidArgument,
                    new Registration.UnknownRegisteredIdException(r.UnknownItem, r.Feature, "x", Array.Empty<string>()).Category);
            });
        }

        [Fact]
        public void Every_entry_has_a_unique_id_matching_its_field_a_meaning_and_a_remedy()
        {
            var fields = typeof(ErrorCatalogue).GetFields(PublicStatic).Where(f => f.FieldType == typeof(ErrorEntry)).ToList();

            Assert.Equal(fields.Count, ErrorCatalogue.All.Count);
            Assert.Equal(ErrorCatalogue.All.Count, ErrorCatalogue.All.Select(e => e.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.All(fields, f => Assert.Equal(f.Name, ((ErrorEntry)f.GetValue(null)!).Id));
            Assert.All(ErrorCatalogue.All, e =>
            {
                Assert.Matches("^[A-Z][A-Za-z0-9]+$", e.Id);
                Assert.False(string.IsNullOrWhiteSpace(e.Meaning), e.Id + " has no meaning");
                Assert.False(string.IsNullOrWhiteSpace(e.Remedy), e.Id + " has no remedy");
                Assert.True(Enum.IsDefined(e.Severity), e.Id);
                Assert.True(Enum.IsDefined(e.Category), e.Id);
            });
        }

        [Fact]
        public void Every_error_id_the_cmdlets_write_is_in_the_catalogue()
        {
            // The cmdlets raise engine exceptions, which carry their entries; the few ids a cmdlet still names (read
            // by the scan below, whose own test shows it finds them however they are written) must be rows too.
            var ids = CmdletErrorIds.Find(CmdletSources());

            Assert.All(ids, id => Assert.True(ErrorCatalogue.Find(id.Id) != null, $"'{id.Id}' ({id.Where}) is not in the error catalogue"));
        }

        [Fact]
        public void The_cmdlet_scan_finds_ids_however_the_call_names_them()
        {
            const string source = @"
                WriteFailure(""LiteralId"", FailureCategory.InvalidArgument, ""message"", ""remedy"", null);
                WriteError(new ErrorRecord(new ArgumentException(message),
                    e.IsAmbiguous ? ""FirstChoice"" : ""SecondChoice"", ErrorCategory.InvalidArgument, x));
                yield return NotFound(nameof(Messages.FromMessages), Messages.Format(Messages.FromMessages, 1), 1);
                ThrowTerminatingError(new ErrorRecord(e, FailureClassifier.CudaDeviceNotFound, ErrorCategory.InvalidArgument, Rank));
                Load(cmdlet, cardTable, ""TableId"", Messages.CardTableRemedy, path => CardCatalog.Load(path));
                public const string FromConstant = nameof(FromConstant);";

            var ids = CmdletErrorIds.Find(new[] { ("sample.cs", source) }).Select(i => i.Id).OrderBy(i => i, StringComparer.Ordinal);

            Assert.Equal(
                new[] { "CudaDeviceNotFound", "FirstChoice", "FromConstant", "FromMessages", "LiteralId", "SecondChoice",
                    "TableId" },
                ids);
        }

        [Fact]
        public void Every_id_the_about_topic_lists_is_in_the_catalogue()
        {
            string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Get(), "module", "en-US", "about_DlGpuTools.help.txt"));
            var section = lines.SkipWhile(l => l != "ERRORS").Skip(1).TakeWhile(l => l.Length == 0 || char.IsWhiteSpace(l[0])).ToList();
            var listed = section.Select(l => Regex.Match(l, @"^ {8}([A-Z][A-Za-z0-9]+) "))
                .Where(m => m.Success)
                .Select(m => m.Groups[1].Value)
                .ToList();

            Assert.True(listed.Count >= 10, "too few ids found in the ERRORS section: " + string.Join(", ", listed));
            Assert.All(listed, id =>
                Assert.True(ErrorCatalogue.Find(id) != null, $"about_DlGpuTools lists '{id}', which is not in the error catalogue"));
        }

        private const BindingFlags Instances = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

        private const BindingFlags PublicStatic = BindingFlags.Public | BindingFlags.Static;

        private const BindingFlags All = Instances | BindingFlags.Static | BindingFlags.DeclaredOnly;

        private static List<Type> Undescribed(IEnumerable<Type> types) => types
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(DlGpuToolsException))
            .Where(t => !typeof(DlGpuToolsException).IsAssignableFrom(t) && !IoExceptions.Contains(t))
            .ToList();

        private static Type Outermost(Type type)
        {
            while (type.DeclaringType != null) type = type.DeclaringType;
            return type;
        }

        private static IEnumerable<(string File, string Text)> CmdletSources()
        {
            string root = Path.Combine(RepositoryRoot.Get(), "src", "DlGpuTools");
            return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Select(f => (Path.GetRelativePath(root, f), File.ReadAllText(f)));
        }

        private sealed class PlantedPlainException : Exception
        {
        }

        private sealed class PlantedDescribedException : DlGpuToolsException
        {
            public PlantedDescribedException()
                : base(ErrorCatalogue.CudaCallFailed, "planted")
            {
            }
        }
    }

    /// <summary>
    /// The error ids in the cmdlets' source: the id argument of each call that writes an error (a string literal, a
    /// nameof, or an engine constant such as FailureClassifier.CudaDeviceNotFound), and the cmdlets' own id constants.
    /// </summary>
    internal static class CmdletErrorIds
    {
        // Each call that takes an error id, and which argument (0-based) it is.
        private static readonly (string Call, int Argument)[] Calls =
        {
            ("new ErrorRecord(", 1), ("WriteFailure(", 0), ("ThrowArgumentError(", 0), ("NotFound(", 0), ("Failure(", 1), ("Load(", 2),
        };

        private static readonly Regex Literal = new Regex("\"([A-Z][A-Za-z0-9]+)\"", RegexOptions.CultureInvariant);
        private static readonly Regex NameOf = new Regex(@"^nameof\((?:\w+\.)*(\w+)\)$", RegexOptions.CultureInvariant);
        private static readonly Regex EngineConstant = new Regex(@"^(?:\w+\.)*([A-Z]\w+)\.([A-Z]\w+)$", RegexOptions.CultureInvariant);
        private static readonly Regex IdConstant = new Regex(@"const string (\w+) = nameof\(\1\);", RegexOptions.CultureInvariant);

        public static List<(string Id, string Where)> Find(IEnumerable<(string File, string Text)> sources)
        {
            var found = new List<(string Id, string Where)>();
            foreach (var (file, text) in sources)
            {
                foreach (var (call, argument) in Calls)
                {
                    bool constructor = call.StartsWith("new ", StringComparison.Ordinal);
                    for (int at = text.IndexOf(call, StringComparison.Ordinal); at >= 0;
                         at = text.IndexOf(call, at + 1, StringComparison.Ordinal))
                    {
                        // A longer name ending in the call's (WriteFailure for Failure), or another type's member, is another call.
                        if (!constructor && at > 0 && (char.IsLetterOrDigit(text[at - 1]) || text[at - 1] == '.')) continue;
                        List<string> arguments = Arguments(text, at + call.Length);
                        if (arguments.Count <= argument) continue;
                        foreach (string id in IdsIn(arguments[argument].Trim())) found.Add((id, file));
                    }
                }

                found.AddRange(IdConstant.Matches(text).Cast<Match>().Select(m => (m.Groups[1].Value, file)));
            }

            return found.GroupBy(f => f.Id, StringComparer.Ordinal).Select(g => g.First()).ToList();
        }

        private static IEnumerable<string> IdsIn(string argument)
        {
            Match name = NameOf.Match(argument);
            if (name.Success) return new[] { name.Groups[1].Value };
            Match constant = EngineConstant.Match(argument);
            if (constant.Success) return EngineValue(constant.Groups[1].Value, constant.Groups[2].Value);
            return Literal.Matches(argument).Cast<Match>().Select(m => m.Groups[1].Value);
        }

        /// <summary>The value of an engine type's string constant; nothing for a name that is not one (a variable's member).</summary>
        private static string[] EngineValue(string typeName, string member)
        {
            FieldInfo? field = typeof(DlGpuToolsException).Assembly.GetTypes()
                .Where(t => t.Name == typeName)
                .Select(t => t.GetField(member, BindingFlags.Public | BindingFlags.Static))
                .FirstOrDefault(f => f != null && f.IsLiteral && f.FieldType == typeof(string));
            return field == null ? Array.Empty<string>() : new[] { (string)field.GetRawConstantValue()! };
        }

        /// <summary>The top-level arguments of the call whose '(' is just before <paramref name="start"/>.</summary>
        private static List<string> Arguments(string text, int start)
        {
            var arguments = new List<string>();
            int depth = 0;
            int from = start;
            bool inString = false;
            for (int i = start; i < text.Length; i++)
            {
                char c = text[i];
                if (inString)
                {
                    if (c == '\\') i++;
                    else if (c == '"') inString = false;
                    continue;
                }

                if (c == '"') inString = true;
                else if (c == '(' || c == '[' || c == '{') depth++;
                else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
                else if (c == ',' && depth == 0)
                {
                    arguments.Add(text.Substring(from, i - from));
                    from = i + 1;
                }
                else if ((c == ')' || c == ';') && depth == 0)
                {
                    arguments.Add(text.Substring(from, i - from));
                    return arguments;
                }
            }

            return arguments;
        }
    }
}
