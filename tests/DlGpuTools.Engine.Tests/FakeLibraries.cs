using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The fake CUDA driver and NVML built by build.ps1 (tests/fakes/*.c). Scenarios are written to
    /// fake-gpu.conf beside them; the fakes read it at every call.
    /// </summary>
    public sealed class FakeLibraries
    {
        // Null when neither DLGPUTOOLS_TEST_FAKES nor a repository checkout says where the fakes are.
        private static readonly string? Located = Locate();

        /// <summary>The folder of the fakes; only fake-library tests, which run when <see cref="Available"/>, ask for it.</summary>
        public static string Directory => Located
            ?? throw new InvalidOperationException("The fake libraries' folder is unknown: set DLGPUTOOLS_TEST_FAKES or run "
                + "build.ps1 -Task Fakes.");

        public static string CudaDriver => Path.Combine(Directory, "libfakecuda.so.1");
        public static string OldCudaDriver => Path.Combine(Directory, "libfakecuda-old.so.1");
        public static string Nvml => Path.Combine(Directory, "libfakenvml.so.1");
        public static string CuBlasLt => Path.Combine(Directory, "libfakecublasLt.so.13");
        public static string NotALibrary => Path.Combine(Directory, "not-a-library.so.1");

        public static bool Available => Located != null && File.Exists(CudaDriver) && File.Exists(Nvml);

        private static string? Locate()
        {
            string? fromEnv = System.Environment.GetEnvironmentVariable("DLGPUTOOLS_TEST_FAKES");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            // Fall back to the repository's out/fakes when run from an IDE after build.ps1 -Task Fakes.
            string? root = RepositoryRoot.Find();
            return root == null ? null : Path.Combine(root, "out", "fakes");
        }

        public static void Configure(params string[] settings)
        {
            File.WriteAllLines(Path.Combine(Directory, "fake-gpu.conf"), settings);
        }

        public static void Reset()
        {
            string conf = Path.Combine(Directory, "fake-gpu.conf");
            if (File.Exists(conf)) File.Delete(conf);
        }

        internal static ProbeEnvironment Environment(string driver, string nvml, string? cublasLt = null)
        {
            var vars = new Dictionary<string, string>
            {
                [LibraryCandidates.CudaDriverOverrideVariable] = driver,
                [LibraryCandidates.NvmlOverrideVariable] = nvml,
                [LibraryCandidates.CuBlasLtOverrideVariable] = cublasLt ?? CuBlasLt,
            };
            return new ProbeEnvironment(false, n => vars.TryGetValue(n, out string? v) ? v : null,
                System.IO.Directory.Exists, false, false);
        }

        /// <summary>Calls one of the fake's int(void) test hooks (live allocations, retained contexts…).</summary>
        public static unsafe long HookLong(string library, string function)
        {
            NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(library, out string? error);
            Assert.True(handle != null, error);
            using (handle) return ((delegate* unmanaged[Cdecl]<long>)handle.GetExport(function))();
        }

        public static unsafe int Hook(string library, string function)
        {
            NativeLibraryHandle? handle = PlatformNativeLoader.Instance.TryLoad(library, out string? error);
            Assert.True(handle != null, error);
            using (handle)
            {
                IntPtr f = handle.GetExport(function);
                Assert.NotEqual(IntPtr.Zero, f);
                return ((delegate* unmanaged[Cdecl]<int>)f)();
            }
        }
    }

    /// <summary>A fact that needs the fake libraries; skipped, with the reason, when they were not built.</summary>
    public sealed class FakeFactAttribute : FactAttribute
    {
        public FakeFactAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = "The fake CUDA driver and NVML are Linux shared libraries.";
            else if (!FakeLibraries.Available) Skip = "The fake libraries are not built: run build.ps1 -Task Fakes (or -Task Test).";
        }
    }

    /// <summary>A theory over the fakes, skipped as <see cref="FakeFactAttribute"/> is.</summary>
    public sealed class FakeTheoryAttribute : TheoryAttribute
    {
        public FakeTheoryAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = "The fake CUDA driver and NVML are Linux shared libraries.";
            else if (!FakeLibraries.Available) Skip = "The fake libraries are not built: run build.ps1 -Task Fakes (or -Task Test).";
        }
    }

    /// <summary>Starts and ends every fake-library test with the fakes' default scenario.</summary>
    [Collection("Fake native libraries")]
    public abstract class FakeLibraryTest : IDisposable
    {
        protected FakeLibraryTest()
        {
            if (FakeLibraries.Available) FakeLibraries.Reset();
        }

        public void Dispose()
        {
            if (FakeLibraries.Available) FakeLibraries.Reset();
            GC.SuppressFinalize(this);
        }
    }

    [CollectionDefinition("Fake native libraries", DisableParallelization = true)]
    public sealed class FakeLibrariesCollection
    {
    }
}
