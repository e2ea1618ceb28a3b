using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The declared native functions (src/DlGpuTools.Engine/Interop/Bindings): the generated stubs are what the
    /// tables say, every declaration resolves against the fakes or is reported missing with its release, and
    /// eager and lazy functions fail where they should. Regenerate the stubs after editing a table with
    /// DLGPUTOOLS_REGENERATE_BINDINGS=1 and a run of this class.
    /// </summary>
    public sealed class NativeDeclarationTests : FakeLibraryTest
    {
        private const string RegenerateVariable = "DLGPUTOOLS_REGENERATE_BINDINGS";

        /// <summary>One binding over one fake, and the functions that fake lacks as the old releases it plays lack them.</summary>
        private sealed class FakeBinding
        {
            public FakeBinding(string name, IReadOnlyList<NativeFunction> declarations, NativeLibraryKind kind, string path, params string[] missing)
            {
                Name = name;
                Declarations = declarations;
                Kind = kind;
                Path = path;
                Missing = missing;
            }

            public string Name { get; }

            public IReadOnlyList<NativeFunction> Declarations { get; }

            public NativeLibraryKind Kind { get; }

            public string Path { get; }

            public IReadOnlyList<string> Missing { get; }
        }

        private static string Fake(params string[] parts) => Path.Combine(new[] { FakeLibraries.Directory }.Concat(parts).ToArray());

        private static FakeBinding[] Bindings() => new[]
        {
            new FakeBinding("NCCL", NcclLibrary.NativeDeclarations, NativeLibraryKind.Nccl, Fake("libnccl.so.2")),
            new FakeBinding("NCCL 2.6", NcclLibrary.NativeDeclarations, NativeLibraryKind.Nccl, Fake("nccl-old", "libnccl.so.2"),
                "ncclGetLastError", "ncclSend", "ncclRecv"),
            new FakeBinding("CUDA driver", CudaDriver.NativeDeclarations, NativeLibraryKind.CudaDriver, FakeLibraries.CudaDriver),
            new FakeBinding("CUDA 3.1 driver", CudaDriver.NativeDeclarations, NativeLibraryKind.CudaDriver, FakeLibraries.OldCudaDriver,
                "cuDeviceTotalMem_v2", "cuDeviceGetUuid_v2"),
            new FakeBinding("NVML", Nvml.NativeDeclarations, NativeLibraryKind.Nvml, FakeLibraries.Nvml, "nvmlDeviceGetCurrentClocksThrottleReasons"),
            new FakeBinding("CUDA runtime", CudaRuntimeLibrary.NativeDeclarations, NativeLibraryKind.CudaRuntime, Fake("libcudart.so.13")),
            new FakeBinding("cuBLAS", CuBlasLibrary.NativeDeclarations, NativeLibraryKind.CuBlas, Fake("libcublas.so.13")),
            new FakeBinding("cuBLASLt", CuBlasLt.NativeDeclarations, NativeLibraryKind.CuBlasLt, FakeLibraries.CuBlasLt),
            new FakeBinding("cuDNN 9", CuDnnLibrary.NativeDeclarations, NativeLibraryKind.CuDnn, Fake("cudnn", "libcudnn.so.9")),
        };

        [Fact]
        public void Every_generated_stub_file_is_what_its_declaration_table_says()
        {
            string folder = NativeBindingGenerator.BindingsFolder();
            string[] tables = Directory.GetFiles(folder, "*.bindings");
            Assert.NotEmpty(tables);
            bool regenerate = Environment.GetEnvironmentVariable(RegenerateVariable) == "1";
            var stale = new List<string>();
            foreach (string table in tables)
            {
                string name = Path.GetFileName(table);
                string expected = NativeBindingGenerator.Generate(NativeBindingGenerator.Parse(File.ReadAllText(table), name), name);
                string generated = Path.ChangeExtension(table, ".g.cs");
                if (File.Exists(generated) && File.ReadAllText(generated) == expected) continue;
                if (regenerate) File.WriteAllText(generated, expected);
                else stale.Add(Path.GetFileName(generated));
            }

            Assert.True(stale.Count == 0, $"Out of date with their tables: {string.Join(", ", stale)}. Regenerate them: "
                + $"{RegenerateVariable}=1 dotnet test tests/DlGpuTools.Engine.Tests --filter NativeDeclarationTests");
            string[] orphans = Directory.GetFiles(folder, "*.g.cs")
                .Where(g => !File.Exists(Path.ChangeExtension(Path.ChangeExtension(g, null), ".bindings"))).ToArray();
            Assert.Empty(orphans);
        }

        [Fact]
        public void The_generator_refuses_a_table_it_cannot_read()
        {
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Parse("class X\nlazy f \"A 1\" int (int x, y)\n", "x.bindings"));
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Parse("class X\nsometimes f \"A 1\" int ()\n", "x.bindings"));
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Parse("class X\nlazy f \"A 1\" int ()\nlazy f \"A 2\" int ()\n", "x.bindings"));
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Parse("lazy f \"A 1\" int ()\n", "x.bindings"));
            NativeBindingGenerator.Table grouped = NativeBindingGenerator.Parse(
                "class X\nlazy f \"A 1\" int (IntPtr d, uint* v) group G\nlazy g \"A 1\" int (IntPtr d, ulong* v) group G\n", "x.bindings");
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Generate(grouped, "x.bindings"));
        }

        [FakeFact]
        public void Every_declaration_resolves_against_the_fakes_or_is_missing_with_its_release()
        {
            foreach (FakeBinding binding in Bindings())
            {
                NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(binding.Path, out string? error);
                Assert.True(handle != null, error);
                using (handle)
                {
                    // Every function looked up as lazy, so that each missing one is reported rather than only the first eager one.
                    var lazy = binding.Declarations.Select(d => new NativeFunction(d.Name, d.IntroducedIn, NativeBinding.Lazy)).ToList();
                    var table = new NativeFunctionTable(handle, binding.Kind, binding.Path, lazy);
                    var missing = new List<string>();
                    for (int i = 0; i < lazy.Count; i++)
                    {
                        try
                        {
                            Assert.NotEqual(IntPtr.Zero, table.Address(i));
                        }
                        catch (NativeEntryPointMissingException e)
                        {
                            Assert.Equal(lazy[i].Name, e.Function);
                            Assert.Equal(lazy[i].IntroducedIn, e.IntroducedIn);
                            Assert.Equal(binding.Kind, e.Kind);
                            Assert.EndsWith($"does not export {lazy[i].Name}, which {lazy[i].IntroducedIn} introduced.", e.Message, StringComparison.Ordinal);
                            missing.Add(lazy[i].Name);
                        }
                    }

                    Assert.True(binding.Missing.SequenceEqual(missing),
                        $"{binding.Name}: missing {string.Join(", ", missing)}; expected {string.Join(", ", binding.Missing)}");
                }
            }
        }

        [FakeFact]
        public void Every_declaration_names_a_release()
        {
            foreach (FakeBinding binding in Bindings())
            {
                Assert.All(binding.Declarations, d => Assert.Matches(@"^[A-Za-z][\w-]* [\w.]+$", d.IntroducedIn));
            }
        }

        [FakeFact]
        public void A_library_without_an_eager_function_is_refused_when_its_table_is_made()
        {
            string path = Fake("nccl-old", "libnccl.so.2");
            NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(path, out string? error);
            Assert.True(handle != null, error);
            using (handle)
            {
                var declarations = new[]
                {
                    new NativeFunction("ncclGetVersion", "NCCL 2.3", NativeBinding.Eager),
                    new NativeFunction("ncclSend", "NCCL 2.7", NativeBinding.Eager),
                };
                var e = Assert.Throws<NativeEntryPointMissingException>(() => new NativeFunctionTable(handle, NativeLibraryKind.Nccl, path, declarations));
                Assert.Equal("ncclSend", e.Function);
                Assert.Equal("NCCL 2.7", e.IntroducedIn);
            }
        }

        [FakeFact]
        public void A_lazy_function_an_old_library_lacks_fails_only_its_own_call_with_its_release()
        {
            string path = Fake("nccl-old", "libnccl.so.2");
            var vars = new Dictionary<string, string> { [NcclCandidates.OverrideVariable] = path };
            var environment = new ProbeEnvironment(false, n => vars.TryGetValue(n, out string? v) ? v : null, Directory.Exists, false, false);
            NcclLibrary nccl = NcclLibrary.Load(environment, PlatformNativeLoader.Instance);
            Assert.Equal(new Version(2, 6, 4), NcclLibrary.DecodeVersion(nccl.VersionCode));
            Assert.Null(nccl.LastError(IntPtr.Zero));
            var e = Assert.Throws<NativeEntryPointMissingException>(() => nccl.ncclSend(0, 1, NcclDataType.ncclFloat32, 1, IntPtr.Zero, IntPtr.Zero));
            Assert.Equal("ncclSend", e.Function);
            Assert.Equal("NCCL 2.7", e.IntroducedIn);
        }
    }
}
