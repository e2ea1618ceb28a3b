using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// What the cmdlet assembly's sources must not hold, because the engine owns it: a ValidateSet (a copy of an engine
    /// list that drifts; validation and completion read the engine's table), a failure category (the catalogue entry
    /// of each error id carries it), and a catch of a file system exception (the engine type that touched the file raises
    /// its own catalogue error, with the path and a remedy).
    /// </summary>
    public class CmdletSourceRulesTests
    {
        private static readonly Regex ValidateSet = new Regex(@"\[\s*(System\.Management\.Automation\.)?ValidateSet(Attribute)?\s*\(",
            RegexOptions.CultureInvariant);

        private static readonly Regex CategoryLiteral = new Regex(@"\bFailureCategory\.[A-Z]\w*", RegexOptions.CultureInvariant);

        private static readonly Regex FileSystemCatch = new Regex(
            @"\b(catch\s*\(\s*|is\s+)(System\.)?(IO\.)?(IOException|DirectoryNotFoundException|FileNotFoundException|"
                + @"PathTooLongException|UnauthorizedAccessException)\b",
            RegexOptions.CultureInvariant);

        [Fact]
        public void No_cmdlet_parameter_copies_an_engine_list_into_a_ValidateSet()
        {
            var found = Find(ValidateSet);

            Assert.True(found.Count == 0, "ValidateSet in the cmdlets (validate from the engine's registry instead):\n"
                + string.Join("\n", found));
        }

        [Fact]
        public void No_cmdlet_names_a_failure_category_that_the_catalogue_entry_already_carries()
        {
            var found = Find(CategoryLiteral);

            Assert.True(found.Count == 0, "Failure categories named in the cmdlets (take the entry's Category):\n"
                + string.Join("\n", found));
        }

        [Fact]
        public void No_cmdlet_turns_a_file_system_exception_into_an_error()
        {
            var found = Find(FileSystemCatch);

            Assert.True(found.Count == 0, "File system exceptions caught in the cmdlets (let the engine raise its catalogue error):\n"
                + string.Join("\n", found));
        }

        [Fact]
        public void The_scans_find_what_they_look_for()
        {
            Assert.Matches(ValidateSet, "        [ValidateSet(\"llama.cpp\", \"vLLM\", IgnoreCase = true)]");
            Assert.Matches(ValidateSet, "[System.Management.Automation.ValidateSetAttribute(\"a\")]");
            Assert.DoesNotMatch(ValidateSet, "/// no ValidateSet copy to keep in step.");
            Assert.Matches(CategoryLiteral, "Record(ErrorCatalogue.CollectiveRankFailed, FailureCategory.OperationStopped, rank,");
            Assert.DoesNotMatch(CategoryLiteral, "// FailureCategory spells ErrorCategory's names, so the conversion is by name.");
            Assert.Matches(FileSystemCatch, "catch (Exception e) when (IsKnownFailure(e) || e is System.IO.IOException || e is X)");
            Assert.Matches(FileSystemCatch, "catch (DirectoryNotFoundException)");
            Assert.Matches(FileSystemCatch, "catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)");
            Assert.DoesNotMatch(FileSystemCatch, "catch (MetricExportException failure)");
        }

        private static List<string> Find(Regex pattern) =>
            SourceLines.Matching(pattern, Path.Combine("src", "DlGpuTools"), skipComments: true);
    }
}
