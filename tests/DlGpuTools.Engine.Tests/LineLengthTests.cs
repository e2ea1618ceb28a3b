using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Keeps the code readable in a side-by-side diff and a review tool: no line of a code file in the repository is
    /// longer than <see cref="Limit"/> characters. Code is what <see cref="CodeExtensions"/> lists, plus scripts named
    /// without an extension that start with "#!" (the CI entry <c>.ci/run</c>, the module's scheduler hook).
    /// Left out, each for its reason:
    /// <list type="bullet">
    /// <item>*.ps1 and *.psm1: tools/Test-ScriptStyle.ps1 holds them to the same limit and knows that a here-string's
    /// text is data, which a plain line scan cannot tell.</item>
    /// <item>Files under a Data folder (the catalogue CSVs in Catalog/Data and Diagnostics/Data): sourced data rows,
    /// one record a line, kept as their sources give them so a row can be checked against its source.</item>
    /// <item>bench/results/: captured output of measured runs, kept verbatim as evidence.</item>
    /// <item>*.md and *.txt (docs, help topics): prose, not code.</item>
    /// <item>*.sln and *.g.cs: generated (by <c>dotnet sln</c>, by NativeBindingGenerator from the *.bindings, which are
    /// held to the limit); their lines are the tool's.</item>
    /// <item>Build outputs and tool state (<see cref="SkippedRootFolders"/>, bin/ and obj/ under src/ and tests/,
    /// TestResults/): not part of the sources, as .gitignore says.</item>
    /// </list>
    /// </summary>
    public class LineLengthTests
    {
        /// <summary>The most characters a line may have: two such columns fit a side-by-side diff on a wide screen.</summary>
        private const int Limit = 140;

        private static readonly HashSet<string> CodeExtensions = new(StringComparer.Ordinal)
        {
            ".cs", ".c", ".h", ".py", ".sh", ".ptx", ".bindings",
            ".props", ".targets", ".csproj", ".proj", ".json", ".xml", ".ps1xml", ".psd1",
        };

        private static readonly HashSet<string> SkippedRootFolders = new(StringComparer.Ordinal)
        {
            ".git", "out", "artifacts", ".bundle", ".gpu", "PSResourceGet", "NuGet",
        };

        private static readonly string[] SampleFiles =
        {
            "src/DlGpuTools.Engine/Models/CudaDevice.cs", "tests/DlGpuTools.Engine.Tests/LineLengthTests.cs",
            "tests/fakes/fakenvml.c", "tests/fakes/fake_common.h", "bench/torch_matmul.py", ".ci/run",
            "Directory.Build.props", "src/DlGpuTools.Engine/DlGpuTools.Engine.csproj", "global.json",
            "module/DlGpuTools.Format.ps1xml", "DlGpuTools.psd1", "src/DlGpuTools.Engine/Interop/Bindings/Nvml.bindings",
        };

        [Fact]
        public void No_line_of_a_code_file_is_over_the_limit()
        {
            List<string> over = LinesOver(RepositoryRoot.Get());
            Assert.True(over.Count == 0,
                $"{over.Count} line(s) are over {Limit} characters; wrap them at an argument list, an operator or a string join:"
                    + Environment.NewLine + string.Join(Environment.NewLine, over));
        }

        [Fact]
        public void The_scan_sees_the_code_and_leaves_out_data_and_generated_text()
        {
            // A wrong root or pattern would pass the length test on no files at all.
            string root = RepositoryRoot.Get();
            List<string> files = CodeFiles(root).Select(f => Relative(root, f)).ToList();
            foreach (string sample in SampleFiles) Assert.Contains(sample, files);
            Assert.DoesNotContain(files, f => f.EndsWith(".g.cs", StringComparison.Ordinal) || f.Contains("/obj/"));
            Assert.DoesNotContain(files, f => f.StartsWith("bench/results/", StringComparison.Ordinal) || f.Contains("/Data/"));
            Assert.DoesNotContain(files, f => f.EndsWith(".ps1", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal));
        }

        [Fact]
        public void The_scan_reports_a_line_of_141_characters_and_passes_one_of_140()
        {
            string root = Path.Combine(Path.GetTempPath(), "dlgpu-lines-" + Guid.NewGuid().ToString("N"));
            try
            {
                Write(root, "fakes/long.c", new string('x', Limit), new string('y', Limit + 1));
                Write(root, "fakes/fits.h", new string('x', Limit));
                Write(root, "tools/hook", "#!/bin/sh", "echo " + new string('z', Limit));
                Write(root, "tools/notes", "echo " + new string('z', Limit));
                Write(root, "Catalog/Data/rows.json", new string('d', Limit + 1));
                Write(root, "bench/results/run.json", new string('r', Limit + 1));
                Write(root, "out/fakes/built.c", new string('o', Limit + 1));
                Write(root, "tests/Unit/obj/made.cs", new string('o', Limit + 1));
                Write(root, "src/Views.g.cs", new string('g', Limit + 1));
                Write(root, "bench/.venv/lib/site.py", new string('v', Limit + 1));
                Write(root, ".vscode/settings.json", new string('v', Limit + 1));

                Assert.Equal(
                    new[] { $"fakes/long.c:2 ({Limit + 1} characters)", $"tools/hook:2 ({Limit + 5} characters)" },
                    LinesOver(root));
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            }
        }

        private static List<string> LinesOver(string root)
        {
            var over = new List<string>();
            foreach (string file in CodeFiles(root))
            {
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                    if (lines[i].Length > Limit)
                        over.Add($"{Relative(root, file)}:{i + 1} ({lines[i].Length} characters)");
            }

            return over;
        }

        private static IEnumerable<string> CodeFiles(string root) =>
            Walk(root, root)
                .Where(f => IsCode(Relative(root, f), f))
                .OrderBy(f => Relative(root, f), StringComparer.Ordinal);

        /// <summary>Every file under <paramref name="folder"/>, not descending into build outputs and tool state.</summary>
        private static IEnumerable<string> Walk(string root, string folder)
        {
            foreach (string file in Directory.EnumerateFiles(folder)) yield return file;
            foreach (string sub in Directory.EnumerateDirectories(folder))
            {
                if (IsSkipped(Relative(root, sub))) continue;
                foreach (string file in Walk(root, sub)) yield return file;
            }
        }

        private static bool IsSkipped(string folder)
        {
            string[] parts = folder.Split('/');
            string last = parts[^1];
            // A developer's untracked tool state (a .venv of the bench's Python, an editor's .vscode or .idea, .git) is not
            // ours; .ci is the one hidden folder the repository tracks.
            if (last.StartsWith('.') && folder != ".ci") return true;
            if (last == "node_modules" || last == "site-packages" || last == "__pycache__") return true;
            if (parts.Length == 1) return SkippedRootFolders.Contains(last);
            if (last == "TestResults") return true;
            return (parts[0] == "src" || parts[0] == "tests") && (last == "bin" || last == "obj");
        }

        private static bool IsCode(string relative, string file)
        {
            if (relative.StartsWith("bench/results/", StringComparison.Ordinal)) return false;
            if (relative.Split('/').Contains("Data")) return false;
            if (relative.EndsWith(".g.cs", StringComparison.Ordinal)) return false;
            string extension = Path.GetExtension(relative);
            return extension.Length == 0 ? StartsWithShebang(file) : CodeExtensions.Contains(extension);
        }

        private static bool StartsWithShebang(string file)
        {
            using FileStream stream = File.OpenRead(file);
            return stream.ReadByte() == '#' && stream.ReadByte() == '!';
        }

        private static void Write(string root, string relative, params string[] lines)
        {
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllLines(path, lines);
        }

        private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');
    }
}
