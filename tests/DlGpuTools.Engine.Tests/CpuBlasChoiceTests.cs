using System;
using System.IO;
using System.Linq;
using DlGpuTools.Benchmarks;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>What the CPU commands and the -Library completer learn about the BLAS choice, without the native layer's types.</summary>
    public class CpuBlasChoiceTests
    {
        [Fact]
        public void A_named_file_that_is_not_there_is_not_found_and_the_trace_says_where_it_looked()
        {
            string missing = Path.Combine(Path.GetTempPath(), "dlgputools-" + Guid.NewGuid().ToString("N"), "libopenblas.so.0");

            CpuBlasChoice choice = CpuBlasChoice.Find(missing, Path.GetTempPath());

            Assert.True(choice.NamedButNotFound);
            Assert.Contains(choice.Trace, line => line.Contains(missing, StringComparison.Ordinal));
            Assert.Contains(missing, choice.SearchedText, StringComparison.Ordinal);
            // Nothing found still measures: the managed kernel, which says so in its warning.
            Assert.Null(choice.CreateBenchmark().BlasName);
        }

        [Fact]
        public void No_library_named_is_never_an_error_whatever_the_search_finds()
        {
            CpuBlasChoice choice = CpuBlasChoice.Find(null, Path.GetTempPath());

            Assert.False(choice.NamedButNotFound);
            Assert.NotEmpty(choice.Trace);
        }

        [Fact]
        public void The_completer_gets_the_family_names_and_only_files_that_exist()
        {
            Assert.Equal(Enum.GetNames<Interop.BlasFamily>(), CpuBlasChoice.FamilyNames);
            Assert.All(CpuBlasChoice.LibraryFilesHere(), path => Assert.True(Path.IsPathRooted(path) && File.Exists(path), path));
            Assert.Equal(CpuBlasChoice.LibraryFilesHere().Count, CpuBlasChoice.LibraryFilesHere().Distinct(StringComparer.Ordinal).Count());
        }
    }
}
