using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The engine's folders (one namespace each) must form layers: no folder may depend on a folder that depends
    /// back on it, directly or through others. Dependencies are read from the compiled engine, signatures and
    /// method bodies alike (every type, method and field token in the IL), so a reference hidden in a lambda or a
    /// local counts too.
    /// </summary>
    public class FolderDependencyTests
    {
        [Fact]
        public void No_two_engine_folders_depend_on_each_other_directly_or_through_others()
        {
            var graph = FolderGraph.Of(typeof(Registry<>).Assembly, "DlGpuTools");

            var cycles = graph.Cycles();

            Assert.True(cycles.Count == 0, "Folders in a dependency cycle:\n" + string.Join("\n", cycles.Select(graph.Describe)));
        }

        [Fact]
        public void The_scan_sees_references_made_only_inside_method_bodies_and_lambdas()
        {
            var graph = FolderGraph.Of(typeof(FolderDependencyTests).Assembly, "DlGpuTools.Engine.Tests.ScanSample");

            Assert.Equal(new[] { "Lower" }, graph.DependenciesOf("InBody"));
            Assert.Equal(new[] { "Lower" }, graph.DependenciesOf("InLambda"));
            Assert.Empty(graph.DependenciesOf("Lower"));
        }

        [Fact]
        public void A_cycle_is_reported_with_the_types_that_make_it()
        {
            var graph = FolderGraph.Of(typeof(FolderDependencyTests).Assembly, "DlGpuTools.Engine.Tests.CycleSample");

            var cycle = Assert.Single(graph.Cycles());

            Assert.Equal(new[] { "A", "B" }, cycle);
            Assert.Contains("A->B (Ping -> Pong)", graph.Describe(cycle), StringComparison.Ordinal);
        }
    }

    /// <summary>Folder-to-folder references of one assembly, with one example pair of types per edge for messages.</summary>
    internal sealed class FolderGraph
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value);

        private readonly Dictionary<string, Dictionary<string, string>> _edges = new Dictionary<string, Dictionary<string, string>>();

        private readonly Dictionary<(string From, string To), HashSet<(Type User, MemberInfo Used)>> _uses =
            new Dictionary<(string From, string To), HashSet<(Type User, MemberInfo Used)>>();

        private readonly string _root;

        private FolderGraph(string rootNamespace)
        {
            _root = rootNamespace;
        }

        /// <summary>The graph of the folders (namespaces one level under <paramref name="rootNamespace"/>) of an assembly.</summary>
        public static FolderGraph Of(Assembly assembly, string rootNamespace)
        {
            var graph = new FolderGraph(rootNamespace);
            foreach (Type type in assembly.GetTypes())
            {
                string? from = graph.FolderOf(type, assembly);
                if (from == null) continue;
                foreach ((Type used, MemberInfo? member) in Referenced(type))
                {
                    string? to = graph.FolderOf(used, assembly);
                    if (to == null || to == from) continue;
                    graph.Add(from, to, $"{Outermost(type).Name} -> {Outermost(used).Name}");
                    graph.Note(from, to, type, member ?? used);
                }
            }

            return graph;
        }

        public IReadOnlyCollection<string> DependenciesOf(string folder) =>
            _edges.TryGetValue(folder, out var to) ? (IReadOnlyCollection<string>)to.Keys : Array.Empty<string>();

        /// <summary>Strongly connected groups of two or more folders (Tarjan's algorithm).</summary>
        public List<List<string>> Cycles()
        {
            var index = new Dictionary<string, int>();
            var low = new Dictionary<string, int>();
            var stack = new Stack<string>();
            var onStack = new HashSet<string>();
            var result = new List<List<string>>();
            int next = 0;

            void Visit(string v)
            {
                index[v] = low[v] = next++;
                stack.Push(v);
                onStack.Add(v);
                foreach (string w in DependenciesOf(v))
                {
                    if (!index.TryGetValue(w, out int seen))
                    {
                        Visit(w);
                        low[v] = Math.Min(low[v], low[w]);
                    }
                    else if (onStack.Contains(w))
                    {
                        low[v] = Math.Min(low[v], seen);
                    }
                }

                if (low[v] != index[v]) return;
                var group = new List<string>();
                string popped;
                do
                {
                    popped = stack.Pop();
                    onStack.Remove(popped);
                    group.Add(popped);
                }
                while (popped != v);
                if (group.Count > 1) result.Add(group.OrderBy(g => g, StringComparer.Ordinal).ToList());
            }

            foreach (string folder in _edges.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList())
            {
                if (!index.ContainsKey(folder)) Visit(folder);
            }

            return result;
        }

        /// <summary>The group and every edge inside it, each with one example of a type that makes it.</summary>
        public string Describe(List<string> group) =>
            string.Join(", ", group) + ": " + string.Join("; ", group.SelectMany(from => DependenciesOf(from)
                .Where(group.Contains)
                .Select(to => $"{from}->{to} ({_edges[from][to]})")));

        /// <summary>
        /// The types and members of <paramref name="to"/> that <paramref name="from"/> names (a called method or a touched
        /// field as itself, anything else as its type), each with the outermost type that names it.
        /// </summary>
        public IReadOnlyCollection<(Type User, MemberInfo Used)> Uses(string from, string to) =>
            _uses.TryGetValue((from, to), out var set) ? (IReadOnlyCollection<(Type, MemberInfo)>)set : Array.Empty<(Type, MemberInfo)>();

        private void Note(string from, string to, Type user, MemberInfo used)
        {
            if (!_uses.TryGetValue((from, to), out var set)) _uses[(from, to)] = set = new HashSet<(Type User, MemberInfo Used)>();
            set.Add((Outermost(user), used));
        }

        private void Add(string from, string to, string example)
        {
            if (!_edges.TryGetValue(from, out var targets)) _edges[from] = targets = new Dictionary<string, string>();
            if (!targets.ContainsKey(to)) targets[to] = example;
        }

        /// <summary>The folder of an engine type: the namespace under DlGpuTools; the root namespace holds Models.</summary>
        private string? FolderOf(Type type, Assembly assembly)
        {
            if (type.Assembly != assembly) return null;
            string? ns = Outermost(type).Namespace;
            if (ns == _root) return "Models";
            return ns != null && ns.StartsWith(_root + ".", StringComparison.Ordinal) ? ns.Substring(_root.Length + 1).Split('.')[0] : null;
        }

        private static Type Outermost(Type type)
        {
            while (type.DeclaringType != null) type = type.DeclaringType;
            return type;
        }

        private static IEnumerable<(Type Type, MemberInfo? Member)> Referenced(Type type)
        {
            const BindingFlags all =
                BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var found = new List<Type>();
            var members = new List<MemberInfo>();
            if (type.BaseType != null) found.Add(type.BaseType);
            found.AddRange(type.GetInterfaces());
            found.AddRange(type.GetFields(all).Select(f => f.FieldType));
            found.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                found.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo info) found.Add(info.ReturnType);
                members.AddRange(InBody(method));
            }

            return found.Concat(members.OfType<Type>()).SelectMany(Unwrap).Select(t => (t, (MemberInfo?)null))
                .Concat(members.Where(m => !(m is Type)).SelectMany(m => Unwrap(m.DeclaringType!).Select((t, i) => (t,
                    i == 0 ? m : null))));
        }

        /// <summary>Element, generic-argument and declaring types too: List&lt;GpuHealth&gt; references GpuHealth.</summary>
        private static IEnumerable<Type> Unwrap(Type type)
        {
            if (type.HasElementType) return Unwrap(type.GetElementType()!);
            if (type.IsGenericType && !type.IsGenericTypeDefinition)
                return new[] { type.GetGenericTypeDefinition() }.Concat(type.GetGenericArguments().SelectMany(Unwrap));
            return type.IsGenericParameter ? Array.Empty<Type>() : new[] { type };
        }

        /// <summary>
        /// The methods, constructors, fields and types the method's IL names (the error catalogue's test reads them too).
        /// </summary>
        internal static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method) => InBody(method);

        /// <summary>Types and members named by the method's IL: called methods, touched fields and type tokens.</summary>
        private static IEnumerable<MemberInfo> InBody(MethodBase method)
        {
            byte[]? il;
            try
            {
                il = method.GetMethodBody()?.GetILAsByteArray();
            }
            catch (InvalidOperationException)
            {
                il = null;
            }

            if (il == null) yield break;
            Type[] typeArgs = method.DeclaringType != null && method.DeclaringType.IsGenericType
                ? method.DeclaringType.GetGenericArguments() : Type.EmptyTypes;
            Type[] methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : Type.EmptyTypes;
            foreach ((OpCode op, int operandAt) in Instructions(il))
            {
                if (op.OperandType == OperandType.InlineMethod || op.OperandType == OperandType.InlineField ||
                    op.OperandType == OperandType.InlineType || op.OperandType == OperandType.InlineTok)
                {
                    MemberInfo? used = Resolve(method.Module, BitConverter.ToInt32(il, operandAt), typeArgs, methodArgs);
                    if (used != null) yield return used;
                }
            }
        }

        /// <summary>
        /// The instructions of a method body's IL, each as its opcode and where its operand starts; stops at an unknown opcode.
        /// </summary>
        public static IEnumerable<(OpCode Op, int OperandAt)> Instructions(byte[] il)
        {
            int at = 0;
            while (at < il.Length)
            {
                short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
                at += il[at] == 0xFE ? 2 : 1;
                if (!OpCodesByValue.TryGetValue(value, out OpCode op)) yield break;
                yield return (op, at);
                at += OperandSize(op, il, at);
            }
        }

        private static MemberInfo? Resolve(Module module, int token, Type[] typeArgs, Type[] methodArgs)
        {
            try
            {
                MemberInfo? member = module.ResolveMember(token, typeArgs, methodArgs);
                return member is Type || member?.DeclaringType != null ? member : null;
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
            _ => 4,
        };
    }
}

#pragma warning disable SA1402, SA1403, CA1812 // Sample folders for the scan's own tests: tiny types that only reference each other.
namespace DlGpuTools.Engine.Tests.ScanSample.Lower
{
    internal sealed class Thing
    {
        public int Value { get; set; } = 1;
    }
}

namespace DlGpuTools.Engine.Tests.ScanSample.InBody
{
    internal static class UsesThingLocally
    {
        // Only a local inside the body names the other folder's type: no field, parameter or return type does.
        public static int Read() => new Lower.Thing().Value;
    }
}

namespace DlGpuTools.Engine.Tests.ScanSample.InLambda
{
    internal static class UsesThingInALambda
    {
        public static System.Func<int> Reader() => () => new Lower.Thing().Value;
    }
}

namespace DlGpuTools.Engine.Tests.CycleSample.A
{
    internal static class Ping
    {
        public static int Call(int depth) => depth <= 0 ? 0 : B.Pong.Call(depth - 1);
    }
}

namespace DlGpuTools.Engine.Tests.CycleSample.B
{
    internal static class Pong
    {
        public static int Call(int depth) => depth <= 0 ? 0 : A.Ping.Call(depth - 1);
    }
}
#pragma warning restore SA1402, SA1403, CA1812
