using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The source-rule tests' one scan: the lines of the C# files under a folder of the checkout (build outputs left out)
    /// that match a rule, each as "file:line: text" for the failure message.
    /// </summary>
    internal static class SourceLines
    {
        public static List<string> Matching(Regex rule, string folder, bool skipComments = false)
        {
            string root = Path.Combine(RepositoryRoot.Get(), folder);
            string obj = Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar;
            return (from file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                    where !file.Contains(obj, StringComparison.Ordinal)
                    from line in File.ReadLines(file).Select((text, i) => (code: text.Trim(), number: i + 1))
                    where !(skipComments && line.code.StartsWith("//", StringComparison.Ordinal)) && rule.IsMatch(line.code)
                    select $"{Path.GetRelativePath(root, file)}:{line.number}: {line.code}").ToList();
        }
    }
}
