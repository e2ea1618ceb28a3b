using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using DlGpuTools.Interop;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// "Cmdlets never touch native code", held by the compiler and checked here: the native layer (the
    /// DlGpuTools.Interop namespace) is internal, the engine opens its internals to these tests alone, the cmdlet
    /// assembly's metadata names no Interop type, and no engine code outside Interop calls native code.
    /// </summary>
    public class NativeLayerTests
    {
        private const string InteropNamespace = "DlGpuTools.Interop";

        private static readonly Assembly Engine = typeof(Registry<>).Assembly;

        [Fact]
        public void No_type_of_the_native_layer_is_visible_outside_the_engine()
        {
            var visible = Engine.GetTypes().Where(t => InInterop(t.Namespace) && t.IsVisible).Select(t => t.FullName)
                .OrderBy(n => n, StringComparer.Ordinal).ToList();

            Assert.True(visible.Count == 0, "Public types in " + InteropNamespace
                + " (make them internal, or move them where they belong):\n" + string.Join("\n", visible));
        }

        [Fact]
        public void The_engine_opens_its_internals_to_its_tests_only()
        {
            var friends = Engine.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();

            Assert.Equal(new[] { "DlGpuTools.Engine.Tests" }, friends);
        }

        [Fact]
        public void The_cmdlet_assembly_names_no_type_of_the_native_layer()
        {
            string cmdlets = Path.Combine(AppContext.BaseDirectory, "DlGpuTools.dll");

            var named = InteropNamesIn(cmdlets);

            Assert.True(named.Count == 0, "DlGpuTools.dll (the cmdlets) names native-layer types; go through an engine type instead:\n"
                + string.Join("\n", named));
        }

        [Fact]
        public void The_metadata_scan_sees_native_layer_types_where_they_are_named()
        {
            // These tests name Interop types on purpose (CudaResult, NvmlReturn, ...): the scan must see them.
            var named = InteropNamesIn(typeof(NativeLayerTests).Assembly.Location);

            Assert.Contains(typeof(NvmlReturn).FullName, named);
            Assert.Contains(typeof(CudaResult).FullName, named);
        }

        [Fact]
        public void Only_the_native_layer_calls_native_code()
        {
            var callers = NativeCallers(Engine);

            var outside = callers.Where(c => !InInterop(c.Namespace)).Select(c => c.FullName).ToList();
            Assert.True(outside.Count == 0,
                "Native calls outside " + InteropNamespace + " (move them into an Interop type):\n" + string.Join("\n", outside));
            // The scan sees both kinds of native call: [DllImport] (libc's madvise) and function pointers (NVML).
            Assert.Contains(typeof(LinuxMemoryAdvice), callers);
            Assert.Contains(typeof(Nvml), callers);
        }

        private static bool InInterop(string? ns) =>
            ns == InteropNamespace || (ns != null && ns.StartsWith(InteropNamespace + ".", StringComparison.Ordinal));

        /// <summary>
        /// The full names of the Interop types an assembly's metadata names: every type it references (each use in a
        /// signature, a method body or an attribute goes through a type reference), every type it defines there, and
        /// any string that spells the namespace (a reflection lookup by name).
        /// </summary>
        private static List<string> InteropNamesIn(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (TypeReferenceHandle handle in md.TypeReferences)
            {
                TypeReference reference = md.GetTypeReference(handle);
                // A nested type's namespace is its outermost declaring type's.
                while (reference.Namespace.IsNil && reference.ResolutionScope.Kind == HandleKind.TypeReference)
                    reference = md.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
                string ns = md.GetString(reference.Namespace);
                if (InInterop(ns)) found.Add(ns + "." + md.GetString(reference.Name));
            }

            foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
            {
                TypeDefinition definition = md.GetTypeDefinition(handle);
                string ns = md.GetString(definition.Namespace);
                if (InInterop(ns)) found.Add(ns + "." + md.GetString(definition.Name) + " (defined here)");
            }

            UserStringHandle text = MetadataTokens.UserStringHandle(0);
            while (true)
            {
                text = md.GetNextHandle(text);
                if (text.IsNil) break;
                string literal = md.GetUserString(text);
                if (literal.Contains(InteropNamespace + ".", StringComparison.Ordinal)) found.Add("\"" + literal + "\" (a string)");
            }

            return found.ToList();
        }

        /// <summary>
        /// The types of an assembly with a method that is a P/Invoke stub or whose IL makes an indirect call (calli: a function pointer).
        /// </summary>
        private static List<Type> NativeCallers(Assembly assembly)
        {
            const BindingFlags all =
                BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var result = new List<Type>();
            foreach (Type type in assembly.GetTypes())
            {
                IEnumerable<MethodBase> methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
                if (methods.Any(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0 || CallsThroughPointer(m)))
                    result.Add(Outermost(type));
            }

            return result.Distinct().ToList();
        }

        private static bool CallsThroughPointer(MethodBase method)
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

            return il != null && FolderGraph.Instructions(il).Any(i => i.Op == OpCodes.Calli);
        }

        private static Type Outermost(Type type)
        {
            while (type.DeclaringType != null) type = type.DeclaringType;
            return type;
        }
    }
}
