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

        // "<library> <version>", or "<library> <version> or earlier" where the sources show only that a release has it.
        private const string ReleasePattern = @"^[A-Za-z][\w-]* [\w.]+( or earlier)?$";

        /// <summary>One binding over one fake, and the functions that fake lacks as the old releases it plays lack them.</summary>
        private sealed class FakeBinding
        {
            public FakeBinding(
                string name, IReadOnlyList<NativeFunction> declarations, NativeLibraryKind kind, string path, params string[] missing)
                : this(name, declarations, kind, path, null, missing)
            {
            }

            public FakeBinding(
                string name, IReadOnlyList<NativeFunction> declarations, NativeLibraryKind kind, string path,
                Func<string, string>? spelling, params string[] missing)
            {
                Name = name;
                Spelling = spelling;
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

            /// <summary>The spelling the library's binding gives its table (numpy's renamed copies), or null.</summary>
            public Func<string, string>? Spelling { get; }
        }

        // No fake plays BLIS or a BLAS that threads through OpenMP alone: those declarations are missing from every
        // CPU BLAS fake. The LP64 and ILP64 declarations of one GEMM resolve to the same export: the spelling the
        // binding chose says which of them it calls.
        private static readonly string[] NotInAnyBlasFake =
        {
            "omp_get_max_threads", "omp_set_num_threads", "bli_info_get_version_str", "bli_thread_get_num_threads",
            "bli_thread_set_num_threads",
        };

        private static readonly string[] MklOnly =
        {
            "cblas_gemm_bf16bf16f32", "cblas_gemm_bf16bf16f32_64", "sgemm_", "dgemm_", "mkl_get_version_string", "mkl_get_max_threads",
            "mkl_set_num_threads",
        };

        private static readonly string[] OpenBlasOnly =
        {
            "cblas_sgemm", "cblas_dgemm", "cblas_sbgemm", "cblas_sgemm64", "cblas_dgemm64", "cblas_sbgemm64", "openblas_get_config",
            "openblas_get_num_threads", "openblas_set_num_threads", "openblas_set_num_threads64",
        };

        private static string[] MissingInOrder(IReadOnlyList<NativeFunction> declarations, params string[][] lists) =>
            declarations.Select(d => d.Name).Where(n => lists.Any(l => l.Contains(n))).ToArray();

        private static string Blas(string variant, string file) => Fake("blas", variant, file);

        private static string Fake(params string[] parts) => Path.Combine(new[] { FakeLibraries.Directory }.Concat(parts).ToArray());

        private static FakeBinding[] Bindings() => new[]
        {
            new FakeBinding("NCCL", NcclLibrary.NativeDeclarations, NativeLibraryKind.Nccl, Fake("libnccl.so.2")),
            new FakeBinding("NCCL 2.6", NcclLibrary.NativeDeclarations, NativeLibraryKind.Nccl, Fake("nccl-old", "libnccl.so.2"),
                "ncclGetLastError", "ncclSend", "ncclRecv"),
            new FakeBinding("CUDA driver", CudaDriver.NativeDeclarations, NativeLibraryKind.CudaDriver, FakeLibraries.CudaDriver),
            new FakeBinding("CUDA 3.1 driver", CudaDriver.NativeDeclarations, NativeLibraryKind.CudaDriver, FakeLibraries.OldCudaDriver,
                "cuDeviceTotalMem_v2", "cuDeviceGetUuid_v2"),
            new FakeBinding(
                "NVML", Nvml.NativeDeclarations, NativeLibraryKind.Nvml, FakeLibraries.Nvml, "nvmlDeviceGetCurrentClocksThrottleReasons"),
            new FakeBinding("CUDA runtime", CudaRuntimeLibrary.NativeDeclarations, NativeLibraryKind.CudaRuntime, Fake("libcudart.so.13")),
            new FakeBinding("cuBLAS", CuBlasLibrary.NativeDeclarations, NativeLibraryKind.CuBlas, Fake("libcublas.so.13")),
            new FakeBinding("cuBLASLt", CuBlasLt.NativeDeclarations, NativeLibraryKind.CuBlasLt, FakeLibraries.CuBlasLt),
            new FakeBinding("cuDNN 9", CuDnnLibrary.NativeDeclarations, NativeLibraryKind.CuDnn, Fake("cudnn", "libcudnn.so.9")),
            new FakeBinding("OpenBLAS", CpuBlasLibrary.NativeDeclarations, NativeLibraryKind.CpuBlas,
                Blas("openblas", "libopenblas.so.0"), null,
                MissingInOrder(CpuBlasLibrary.NativeDeclarations, MklOnly, NotInAnyBlasFake)),
            new FakeBinding("numpy's ILP64 OpenBLAS", CpuBlasLibrary.NativeDeclarations, NativeLibraryKind.CpuBlas,
                Blas("scipy64", "libscipy_openblas64_-fake.so"), n => "scipy_" + n + "64_",
                MissingInOrder(CpuBlasLibrary.NativeDeclarations, MklOnly, NotInAnyBlasFake)),
            new FakeBinding("PyTorch's MKL", CpuBlasLibrary.NativeDeclarations, NativeLibraryKind.CpuBlas,
                Blas("torch", "libtorch_cpu.so"), null,
                MissingInOrder(CpuBlasLibrary.NativeDeclarations, OpenBlasOnly, NotInAnyBlasFake)),
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
            Assert.Throws<FormatException>(
                () => NativeBindingGenerator.Parse("class X\nlazy f \"A 1\" int ()\nlazy f \"A 2\" int ()\n", "x.bindings"));
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
                    var lazy = binding.Declarations
                        .Select(d => new NativeFunction(d.Name, d.IntroducedIn, NativeBinding.Lazy, string.Join("|", d.Exports), d.Spelled))
                        .ToList();
                    var table = new NativeFunctionTable(handle, binding.Kind, binding.Path, lazy, binding.Spelling);
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
                            string expected = $"does not export {lazy[i].Name}, which {lazy[i].IntroducedIn} introduced.";
                            Assert.EndsWith(expected, e.Message, StringComparison.Ordinal);
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
                Assert.All(binding.Declarations, d => Assert.Matches(ReleasePattern, d.IntroducedIn));
            }
        }

        [Fact]
        public void Every_table_names_a_release_for_each_declaration_and_the_sources_it_was_read_from()
        {
            string[] tables = Directory.GetFiles(NativeBindingGenerator.BindingsFolder(), "*.bindings");
            Assert.NotEmpty(tables);
            foreach (string table in tables)
            {
                string name = Path.GetFileName(table);
                string text = File.ReadAllText(table);
                NativeBindingGenerator.Table parsed = NativeBindingGenerator.Parse(text, name);
                Assert.NotEmpty(parsed.Functions);
                Assert.All(parsed.Functions, d => Assert.Matches(ReleasePattern, d.Since));
                string header = string.Join("\n", text.Split('\n').TakeWhile(l => l.StartsWith('#')));
                Assert.True(header.Contains("https://"), $"{name}: the header comment names no source URL for its releases");
                Assert.Matches(@"read on \d{4}-\d{2}-\d{2}", header);
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
                var e = Assert.Throws<NativeEntryPointMissingException>(
                    () => new NativeFunctionTable(handle, NativeLibraryKind.Nccl, path, declarations));
                Assert.Equal("ncclSend", e.Function);
                Assert.Equal("NCCL 2.7", e.IntroducedIn);
            }
        }

        [FakeFact]
        public void A_lazy_function_an_old_library_lacks_fails_only_its_own_call_with_its_release()
        {
            string path = Fake("nccl-old", "libnccl.so.2");
            var vars = new Dictionary<string, string> { [NcclCandidates.OverrideVariable] = path };
            var environment = new ProbeEnvironment(
                false, n => vars.TryGetValue(n, out string? v) ? v : null, Directory.Exists, false, false);
            NcclLibrary nccl = NcclLibrary.Load(environment, PlatformNativeLoader.Instance);
            Assert.Equal(new Version(2, 6, 4), NcclLibrary.DecodeVersion(nccl.VersionCode));
            Assert.Null(nccl.LastError(IntPtr.Zero));
            var e = Assert.Throws<NativeEntryPointMissingException>(
                () => nccl.ncclSend(0, 1, NcclDataType.ncclFloat32, 1, IntPtr.Zero, IntPtr.Zero));
            Assert.Equal("ncclSend", e.Function);
            Assert.Equal("NCCL 2.7", e.IntroducedIn);
        }

        [Fact]
        public void The_generator_reads_candidate_exports_and_the_spelling_clause()
        {
            NativeBindingGenerator.Table table = NativeBindingGenerator.Parse(
                "class X\nlazy f_ \"A 1\" void (int x) export f_|F\nlazy g \"A 1\" int () spelled\nlazy h \"A 1\" int ()\n", "x.bindings");
            Assert.Equal("f_|F", table.Functions[0].Exports);
            Assert.False(table.Functions[0].Spelled);
            Assert.True(table.Functions[1].Spelled);
            Assert.Null(table.Functions[2].Exports);
            string generated = NativeBindingGenerator.Generate(table, "x.bindings");
            Assert.Contains(
                "new NativeFunction(\"f_\", \"A 1\", NativeBinding.Lazy, \"f_|F\", false),", generated, StringComparison.Ordinal);
            Assert.Contains("new NativeFunction(\"g\", \"A 1\", NativeBinding.Lazy, null, true),", generated, StringComparison.Ordinal);
            Assert.Contains("new NativeFunction(\"h\", \"A 1\", NativeBinding.Lazy),", generated, StringComparison.Ordinal);
            Assert.Contains("public string? ExportNameOfF_ => _table.ExportName(0);", generated, StringComparison.Ordinal);
            Assert.DoesNotContain("ExportNameOfH", generated, StringComparison.Ordinal);
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Parse("class X\nlazy f \"A 1\" int () sometimes\n", "x.bindings"));
            Assert.Throws<FormatException>(() => NativeBindingGenerator.Parse("class X\nlazy f \"A 1\" int () export\n", "x.bindings"));
        }

        [FakeFact]
        public void A_spelled_declaration_resolves_through_the_library_s_spelling_and_names_the_export_it_found()
        {
            string path = Blas("scipy64", "libscipy_openblas64_-fake.so");
            NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(path, out string? error);
            Assert.True(handle != null, error);
            using (handle)
            {
                var spelled = new CpuBlasLibrary.NativeMethods(
                    new NativeFunctionTable(
                        handle, NativeLibraryKind.CpuBlas, path, CpuBlasLibrary.NativeDeclarations, n => "scipy_" + n + "64_"));
                Assert.Equal("scipy_cblas_sgemm64_", spelled.ExportNameOfCblas_sgemm64);
                Assert.Equal("scipy_openblas_set_num_threads64_", spelled.ExportNameOfOpenblas_set_num_threads64);
                var plain = new CpuBlasLibrary.NativeMethods(
                    new NativeFunctionTable(handle, NativeLibraryKind.CpuBlas, path, CpuBlasLibrary.NativeDeclarations));
                Assert.Null(plain.ExportNameOfCblas_sgemm);
                var e = Assert.Throws<NativeEntryPointMissingException>(() => plain.Table.Address(0));
                Assert.Equal("cblas_sgemm", e.Function);
                Assert.Equal("BLAST-Forum 2001", e.IntroducedIn);
                Assert.Equal(NativeLibraryKind.CpuBlas, e.Kind);
            }
        }

        [FakeFact]
        public void A_declaration_with_candidate_exports_takes_the_first_the_library_has()
        {
            string path = Blas("torch", "libtorch_cpu.so");
            NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(path, out string? error);
            Assert.True(handle != null, error);
            using (handle)
            {
                var native = new CpuBlasLibrary.NativeMethods(
                    new NativeFunctionTable(handle, NativeLibraryKind.CpuBlas, path, CpuBlasLibrary.NativeDeclarations));
                Assert.Equal("sgemm_", native.ExportNameOfSgemm_);
                Assert.Equal("mkl_set_num_threads", native.ExportNameOfMkl_set_num_threads);
                var declarations = new[] { new NativeFunction("gemm", "Level-3-BLAS 1990", NativeBinding.Lazy, "SGEMM|sgemm|dgemm_") };
                var table = new NativeFunctionTable(handle, NativeLibraryKind.CpuBlas, path, declarations);
                Assert.Equal("dgemm_", table.ExportName(0));
                Assert.Equal(handle.GetExport("dgemm_"), table.Address(0));
            }
        }
    }
}
