#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Turns a declaration table (src/DlGpuTools.Engine/Interop/Bindings/*.bindings) into the typed stubs beside it
    /// (*.g.cs), as ILGPU generates its CUDA API class from CudaAPI.xml. Kept in the tests so that the check "the
    /// checked-in stubs are what the table says" and the regeneration are the same code; see
    /// NativeDeclarationTests for how to regenerate.
    /// </summary>
    public static class NativeBindingGenerator
    {
        private const int MaxLine = 140;

        private static readonly Regex FunctionLine = new Regex(
            @"^(?<binding>eager|lazy)\s+(?<name>\w+)\s+""(?<since>[^""]+)""\s+(?<ret>[\w\.\*]+)\s*\((?<params>[^)]*)\)\s*(?<clauses>.*)$",
            RegexOptions.CultureInvariant);

        // After the parameters: "group <name>", "export <name>|<name>..." (the candidate exports, in order) and "spelled".
        private static readonly Regex Clause = new Regex(
            @"\G\s*(?:group\s+(?<group>\w+)|export\s+(?<export>\w+(?:\|\w+)*)|(?<spelled>spelled))(?=\s|$)", RegexOptions.CultureInvariant);

        private static readonly Regex Parameter = new Regex(@"^(?<type>[\w\.\*]+)\s+(?<name>\w+)$", RegexOptions.CultureInvariant);

        public sealed class Declaration
        {
            public Declaration(
                string binding, string name, string since, string returns, IReadOnlyList<(string Type, string Name)> parameters,
                string? group)
            {
                Binding = binding;
                Name = name;
                Since = since;
                Returns = returns;
                Parameters = parameters;
                Group = group;
            }

            public string Binding { get; }

            public string Name { get; }

            public string Since { get; }

            public string Returns { get; }

            public IReadOnlyList<(string Type, string Name)> Parameters { get; }

            public string? Group { get; }

            /// <summary>The candidate export names as declared ("sgemm_|sgemm|SGEMM"), or null for the declaration's name.</summary>
            public string? Exports { get; set; }

            /// <summary>True when the library's spelling (prefix, suffix) applies to the exports.</summary>
            public bool Spelled { get; set; }
        }

        public sealed class Table
        {
            public string ClassName { get; set; } = string.Empty;

            /// <summary>
            /// The status a missing lazy function answers with ("NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND"); null to throw.
            /// </summary>
            public string? MissingAnswer { get; set; }

            public List<Declaration> Functions { get; } = new List<Declaration>();
        }

        public static Table Parse(string text, string source)
        {
            var table = new Table();
            string[] lines = text.Split('\n');
            for (int number = 1; number <= lines.Length; number++)
            {
                string line = lines[number - 1].Trim();
                if (line.Length == 0 || line[0] == '#') continue;
                string where = source + ":" + number.ToString(CultureInfo.InvariantCulture);

                // A long parameter list goes on across lines until its ')'.
                while (line.Contains('(') && !line.Contains(')') && number < lines.Length) line += " " + lines[number++].Trim();
                if (line.StartsWith("class ", StringComparison.Ordinal))
                {
                    table.ClassName = line.Substring(6).Trim();
                    continue;
                }

                if (line.StartsWith("missing ", StringComparison.Ordinal))
                {
                    string answer = line.Substring(8).Trim();
                    table.MissingAnswer = answer == "throw" ? null : answer;
                    continue;
                }

                Match m = FunctionLine.Match(line);
                if (!m.Success) throw new FormatException($"{where}: not a declaration: {line}");
                var parameters = new List<(string, string)>();
                foreach (string p in m.Groups["params"].Value.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    Match pm = Parameter.Match(p.Trim());
                    if (!pm.Success) throw new FormatException($"{where}: not a parameter: {p.Trim()}");
                    parameters.Add((pm.Groups["type"].Value, pm.Groups["name"].Value));
                }

                string clauses = m.Groups["clauses"].Value.TrimEnd();
                string? group = null, exports = null;
                bool spelled = false;
                int at = 0;
                while (at < clauses.Length)
                {
                    Match c = Clause.Match(clauses, at);
                    if (!c.Success || c.Length == 0) throw new FormatException($"{where}: not a clause: {clauses.Substring(at).Trim()}");
                    if (c.Groups["group"].Success) group = c.Groups["group"].Value;
                    if (c.Groups["export"].Success) exports = c.Groups["export"].Value;
                    if (c.Groups["spelled"].Success) spelled = true;
                    at += c.Length;
                }

                var declaration = new Declaration(m.Groups["binding"].Value, m.Groups["name"].Value, m.Groups["since"].Value,
                    m.Groups["ret"].Value, parameters, group)
                {
                    Exports = exports,
                    Spelled = spelled,
                };
                if (table.Functions.Any(f => f.Name == declaration.Name))
                    throw new FormatException($"{where}: {declaration.Name} is declared twice");
                table.Functions.Add(declaration);
            }

            if (table.ClassName.Length == 0) throw new FormatException($"{source}: no 'class' line");
            return table;
        }

        public static string Generate(Table table, string sourceName)
        {
            var s = new StringBuilder();
            s.Append("// <auto-generated>\n");
            s.Append("// Generated from ").Append(sourceName).Append(" by tests/DlGpuTools.Engine.Tests/NativeBindingGenerator.cs.\n");
            s.Append("// Edit the .bindings file, then regenerate (ARCHITECTURE.md, \"Adding a native function\").\n");
            s.Append("// </auto-generated>\n");
            s.Append("#nullable enable\n");
            s.Append("using System;\n\n");
            s.Append("namespace DlGpuTools.Interop\n{\n");
            s.Append("    unsafe partial class ").Append(table.ClassName).Append("\n    {\n");
            s.Append("        /// <summary>Every native function this binding calls, in the order of ")
                .Append(sourceName).Append(".</summary>\n");
            s.Append("        internal static readonly NativeFunction[] NativeDeclarations =\n        {\n");
            foreach (Declaration f in table.Functions)
            {
                string binding = f.Binding == "eager" ? "NativeBinding.Eager" : "NativeBinding.Lazy";
                var arguments = new List<string> { "\"" + f.Name + "\"", "\"" + f.Since + "\"", binding };
                if (f.Exports != null || f.Spelled)
                {
                    arguments.Add(f.Exports == null ? "null" : "\"" + f.Exports + "\"");
                    arguments.Add(f.Spelled ? "true" : "false");
                }

                AppendWrapped(s, "            new NativeFunction(", arguments, "),", "                ");
            }

            s.Append("        };\n\n");
            s.Append("        /// <summary>One stub per declared function, each calling through the address its table resolved.")
                .Append("</summary>\n");
            s.Append("        internal sealed class NativeMethods\n        {\n");
            s.Append("            private readonly NativeFunctionTable _table;\n\n");
            s.Append("            internal NativeMethods(NativeFunctionTable table)\n")
                .Append("            {\n                _table = table;\n            }\n\n");
            s.Append("            internal NativeFunctionTable Table => _table;\n");
            for (int i = 0; i < table.Functions.Count; i++) AppendStub(s, table, table.Functions[i], i);
            foreach (IGrouping<string?, Declaration> group in table.Functions.Where(f => f.Group != null).GroupBy(f => f.Group))
                AppendGroup(s, group.Key!, group.ToList(), sourceName);
            s.Append("        }\n    }\n}\n");
            return s.ToString();
        }

        private static void AppendStub(StringBuilder s, Table table, Declaration f, int index)
        {
            string i = index.ToString(CultureInfo.InvariantCulture);
            IEnumerable<string> types = f.Parameters.Select(p => p.Type).Concat(new[] { f.Returns });
            s.Append('\n');
            s.Append("            /// <summary>").Append(f.Name).Append(" (").Append(f.Since).Append(", ").Append(f.Binding)
                .Append(").</summary>\n");
            AppendWrapped(
                s, "            public " + f.Returns + " " + f.Name + "(", f.Parameters.Select(p => p.Type + " " + p.Name), ")",
                "                ");
            s.Append("            {\n");
            const string Pointer = "                var call = (delegate* unmanaged[Cdecl]<";
            if (table.MissingAnswer != null && table.MissingAnswer.StartsWith(f.Returns + ".", StringComparison.Ordinal))
            {
                s.Append("                IntPtr address = _table.TryAddress(").Append(i).Append(");\n");
                s.Append("                if (address == IntPtr.Zero) return ").Append(table.MissingAnswer).Append(";\n");
                AppendWrapped(s, Pointer, types, ">)address;", "                    ");
            }
            else
            {
                AppendWrapped(s, Pointer, types, ">)_table.Address(" + i + ");", "                    ");
            }

            AppendWrapped(s, "                " + (f.Returns == "void" ? string.Empty : "return ") + "call(",
                f.Parameters.Select(p => p.Name), ");", "                    ");
            s.Append("            }\n");
            if (f.Binding == "lazy")
            {
                s.Append('\n');
                s.Append("            /// <summary>True when this copy of the library exports ").Append(f.Name).Append(".</summary>\n");
                s.Append("            public bool Has").Append(char.ToUpperInvariant(f.Name[0])).Append(f.Name, 1, f.Name.Length - 1)
                    .Append(" => _table.IsAvailable(").Append(i).Append(");\n");
            }

            if (f.Exports != null || f.Spelled)
            {
                s.Append('\n');
                s.Append("            /// <summary>The export ").Append(f.Name)
                    .Append(" resolved to in this library, or null when it lacks it.</summary>\n");
                s.Append("            public string? ExportNameOf").Append(char.ToUpperInvariant(f.Name[0]))
                    .Append(f.Name, 1, f.Name.Length - 1)
                    .Append(" => _table.ExportName(").Append(i).Append(");\n");
            }
        }

        // Functions that share a signature and are chosen by name at run time (NVML's many "device → uint" queries).
        private static void AppendGroup(StringBuilder s, string group, List<Declaration> members, string sourceName)
        {
            Declaration first = members[0];
            string signature = string.Join(",", first.Parameters.Select(p => p.Type)) + "->" + first.Returns;
            foreach (Declaration m in members)
            {
                string other = string.Join(",", m.Parameters.Select(p => p.Type)) + "->" + m.Returns;
                if (other != signature)
                    throw new FormatException($"{sourceName}: {m.Name} differs in signature from the rest of group {group}");
            }

            s.Append('\n');
            s.Append("            /// <summary>Calls the declared function of group ").Append(group)
                .Append(" named <paramref name=\"function\"/>.</summary>\n");
            AppendWrapped(s, "            public " + first.Returns + " " + group + "(",
                new[] { "string function" }.Concat(first.Parameters.Select(p => p.Type + " " + p.Name)), ")", "                ");
            s.Append("            {\n                switch (function)\n                {\n");
            string arguments = string.Join(", ", first.Parameters.Select(p => p.Name));
            foreach (Declaration m in members)
            {
                s.Append("                    case \"").Append(m.Name).Append("\": return ").Append(m.Name)
                    .Append('(').Append(arguments).Append(");\n");
            }

            s.Append("                    default:\n");
            s.Append("                        throw new ArgumentException(function + \" is not declared in ").Append(sourceName)
                .Append(".\", nameof(function));\n");
            s.Append("                }\n            }\n");
        }

        // Writes head + items + tail on one line when it fits in MaxLine, else the items packed on continuation lines.
        private static void AppendWrapped(StringBuilder s, string head, IEnumerable<string> items, string tail, string continuation)
        {
            string[] list = items.ToArray();
            string oneLine = head + string.Join(", ", list) + tail;
            if (oneLine.Length <= MaxLine || list.Length == 0) s.Append(oneLine).Append('\n');
            else AppendPacked(s, head, list, tail, continuation);
        }

        private static void AppendPacked(StringBuilder s, string head, string[] items, string tail, string continuation)
        {
            s.Append(head).Append('\n');
            var line = new StringBuilder(continuation);
            for (int k = 0; k < items.Length; k++)
            {
                string piece = items[k] + (k < items.Length - 1 ? "," : tail);
                if (line.Length > continuation.Length && line.Length + 1 + piece.Length > MaxLine)
                {
                    s.Append(line.ToString().TrimEnd()).Append('\n');
                    line.Clear().Append(continuation);
                }

                if (line.Length > continuation.Length) line.Append(' ');
                line.Append(piece);
            }

            s.Append(line.ToString().TrimEnd()).Append('\n');
        }

        /// <summary>The folder of the tables and the stubs in this checkout.</summary>
        public static string BindingsFolder()
        {
            string root = RepositoryRoot.Find()
                ?? throw new InvalidOperationException("The repository root (DlGpuTools.sln) is not above " + AppContext.BaseDirectory);
            return Path.Combine(root, "src", "DlGpuTools.Engine", "Interop", "Bindings");
        }
    }
}
