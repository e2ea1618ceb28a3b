using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The engine is public only where something outside it needs it: the cmdlet assembly (its type references and
    /// the types its attributes name), the output models (namespace DlGpuTools, folder Models/), exceptions that reach
    /// users, and types that the module's scripts name (format views, the about topic, bench and Pester scripts), plus
    /// whatever the public members of those expose. Any other public engine type should be internal.
    /// </summary>
    public class PublicSurfaceTests
    {
        private const string ModelsNamespace = "DlGpuTools";

        private static readonly Assembly Engine = typeof(Registry<>).Assembly;

        private static readonly string CmdletAssembly = Path.Combine(AppContext.BaseDirectory, "DlGpuTools.dll");

        private static readonly string[] ScriptFolders = { "module", "bench", "tools", "tests/Pester" };

        [Fact]
        public void Every_public_engine_type_is_needed_outside_the_engine()
        {
            IReadOnlyCollection<Type> needed = Reachable(Roots().Keys);

            var unneeded = Unneeded(Engine, needed);

            Assert.True(unneeded.Count == 0, "Public engine types that neither the cmdlets, the output models, the exceptions, "
                + "the module's scripts nor the public members of those need (make them internal):\n" + string.Join("\n", unneeded));
        }

        [Fact]
        public void The_roots_are_seen_where_they_are_named()
        {
            // Each way of being needed, with a type needed that way first, so a scan that stops seeing one fails.
            IReadOnlyDictionary<Type, string> roots = Roots();

            Assert.Equal("named by the cmdlet assembly", roots[typeof(Devices.DeviceSelector)]);
            Assert.Contains(typeof(Health.HealthChecks).FullName, AttributeTypeNamesIn(CmdletAssembly));
            Assert.Equal("an output model", roots[typeof(PcieAncestor)]);
            Assert.Equal("named by a script", roots[typeof(Devices.Units)]);
            Assert.Contains(typeof(Errors.ErrorEntry), Reachable(roots.Keys));
        }

        [Fact]
        public void A_public_type_that_nothing_needs_is_reported()
        {
            // The check run over this file's planted types: one reached through a root's public member, one not.
            var needed = Reachable(new[] { typeof(PlantedSurface) });
            var planted = Unneeded(typeof(PlantedSurface).Assembly, needed)
                .Where(n => n.Contains(nameof(PlantedSurface), StringComparison.Ordinal));

            Assert.Equal(new[] { typeof(PlantedSurface.Unused).FullName }, planted);
        }

        private static List<string> Unneeded(Assembly assembly, IReadOnlyCollection<Type> needed) =>
            assembly.GetTypes()
                .Where(t => t.IsVisible && !needed.Contains(t))
                .Select(t => t.FullName!)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();

        /// <summary>The engine types needed directly, each with the first reason found.</summary>
        private static Dictionary<Type, string> Roots()
        {
            var byName = Engine.GetTypes().Where(t => t.IsVisible).ToDictionary(t => t.FullName!, StringComparer.Ordinal);
            var roots = new Dictionary<Type, string>();
            void Add(string name, string why)
            {
                if (byName.TryGetValue(name, out Type? type) && !roots.ContainsKey(type)) roots[type] = why;
            }

            foreach (string name in TypeReferencesIn(CmdletAssembly)) Add(name, "named by the cmdlet assembly");
            foreach (string name in AttributeTypeNamesIn(CmdletAssembly)) Add(name, "named in an attribute of the cmdlet assembly");
            foreach (Type type in byName.Values)
            {
                if (type.Namespace == ModelsNamespace) Add(type.FullName!, "an output model");
                else if (typeof(Exception).IsAssignableFrom(type)) Add(type.FullName!, "an exception");
            }

            foreach (string name in ScriptTypeNames()) Add(name, "named by a script");
            return roots;
        }

        /// <summary>The roots and every type their public or protected members, bases and interfaces expose.</summary>
        private static HashSet<Type> Reachable(IEnumerable<Type> roots)
        {
            var seen = new HashSet<Type>();
            var queue = new Queue<Type>();
            void Add(Type? type)
            {
                if (type == null) return;
                if (type.HasElementType)
                {
                    Add(type.GetElementType());
                    return;
                }

                if (type.IsGenericType && !type.IsGenericTypeDefinition)
                {
                    foreach (Type argument in type.GetGenericArguments()) Add(argument);
                    Add(type.GetGenericTypeDefinition());
                    return;
                }

                if (type.IsVisible && !type.IsGenericParameter && seen.Add(type)) queue.Enqueue(type);
            }

            foreach (Type root in roots) Add(root);
            const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
                | BindingFlags.Static | BindingFlags.DeclaredOnly;
            while (queue.Count > 0)
            {
                Type type = queue.Dequeue();
                if (type.Assembly != Engine && type.Assembly != typeof(PublicSurfaceTests).Assembly) continue;
                Add(type.BaseType);
                Add(type.DeclaringType);
                foreach (Type contract in type.GetInterfaces()) Add(contract);
                foreach (MethodBase method in type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared)))
                {
                    if (!(method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly)) continue;
                    if (method is MethodInfo info) Add(info.ReturnType);
                    foreach (ParameterInfo parameter in method.GetParameters()) Add(parameter.ParameterType);
                }

                foreach (FieldInfo field in type.GetFields(declared).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
                    Add(field.FieldType);
            }

            return seen;
        }

        /// <summary>Full names (nested types joined with '+') of every type an assembly's metadata references.</summary>
        private static List<string> TypeReferencesIn(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            var names = new List<string>();
            foreach (TypeReferenceHandle handle in md.TypeReferences)
            {
                TypeReference reference = md.GetTypeReference(handle);
                string name = md.GetString(reference.Name);
                while (reference.Namespace.IsNil && reference.ResolutionScope.Kind == HandleKind.TypeReference)
                {
                    reference = md.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
                    name = md.GetString(reference.Name) + "+" + name;
                }

                names.Add(md.GetString(reference.Namespace) + "." + name);
            }

            return names;
        }

        /// <summary>
        /// Type names in the cmdlet assembly's attribute arguments: typeof(X) there is stored as X's name in the
        /// attribute's blob, not as a type reference (for example ValidateRegisteredId(typeof(HealthChecks))).
        /// </summary>
        private static List<string> AttributeTypeNamesIn(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            var names = new List<string>();
            foreach (CustomAttributeHandle handle in md.CustomAttributes)
            {
                string blob = Encoding.UTF8.GetString(md.GetBlobBytes(md.GetCustomAttribute(handle).Value));
                names.AddRange(Regex.Matches(blob, @"DlGpuTools(\.[A-Za-z_][A-Za-z0-9_`]*)+(\+[A-Za-z_][A-Za-z0-9_`]*)*")
                    .Select(m => m.Value));
            }

            return names;
        }

        /// <summary>Type literals such as [DlGpuTools.TextWrap] in the module's views and topics and in its scripts.</summary>
        private static List<string> ScriptTypeNames()
        {
            string root = RepositoryRoot.Get();
            return ScriptFolders
                .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
                .Where(f => f.EndsWith(".ps1", StringComparison.Ordinal) || f.EndsWith(".psm1", StringComparison.Ordinal)
                    || f.EndsWith(".ps1xml", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal))
                .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\[(DlGpuTools(\.[A-Za-z_][A-Za-z0-9_]*)+)")
                    .Select(m => m.Groups[1].Value))
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }

    }

    /// <summary>
    /// Planted for <see cref="PublicSurfaceTests"/>: a root whose property exposes one public type, beside one nothing needs.
    /// </summary>
    public sealed class PlantedSurface
    {
        public Exposed? Shown { get; set; }

        public sealed class Exposed
        {
        }

        public sealed class Unused
        {
        }
    }
}
