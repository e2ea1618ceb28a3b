using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Keeps the C# readable in a side-by-side diff and a review tool: no line in src/ or tests/ is longer than
    /// <see cref="Limit"/> characters. Generated files (*.g.cs) are left out, since their lines come from the generator.
    /// </summary>
    public class LineLengthTests
    {
        /// <summary>The most characters a line may have: two such columns fit a side-by-side diff on a wide screen.</summary>
        private const int Limit = 140;

        [Fact]
        public void No_line_in_src_or_tests_is_over_the_limit()
        {
            string root = RepositoryRoot();
            var over = new List<string>();
            foreach (string file in Sources(root))
            {
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                    if (lines[i].Length > Limit)
                        over.Add($"{Relative(root, file)}:{i + 1} ({lines[i].Length} characters)");
            }

            Assert.True(over.Count == 0,
                $"{over.Count} line(s) are over {Limit} characters; wrap them at an argument list, an operator or a string join:"
                    + Environment.NewLine + string.Join(Environment.NewLine, over));
        }

        [Fact]
        public void The_scan_sees_the_sources()
        {
            // A wrong root or pattern would pass the length test on no files at all.
            string root = RepositoryRoot();
            List<string> files = Sources(root).Select(f => Relative(root, f)).ToList();
            Assert.Contains("src/DlGpuTools.Engine/Models/CudaDevice.cs", files);
            Assert.Contains("tests/DlGpuTools.Engine.Tests/LineLengthTests.cs", files);
            Assert.DoesNotContain(files, f => f.EndsWith(".g.cs", StringComparison.Ordinal) || f.Contains("/obj/"));
        }

        private static IEnumerable<string> Sources(string root) =>
            new[] { "src", "tests" }
                .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
                .Where(f => !f.EndsWith(".g.cs", StringComparison.Ordinal))
                .Where(f => !Relative(root, f).Split('/').Any(part => part == "obj" || part == "bin"))
                .OrderBy(f => f, StringComparer.Ordinal);

        private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

        private static string RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "DlGpuTools.sln"))) dir = dir.Parent;
            Assert.NotNull(dir);
            return dir!.FullName;
        }
    }
}
