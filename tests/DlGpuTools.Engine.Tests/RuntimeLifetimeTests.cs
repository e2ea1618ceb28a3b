using System;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The shared runtime's lifetime: one per override setting, none ever torn down.</summary>
    public sealed class RuntimeLifetimeTests : FakeLibraryTest
    {
        private static readonly string[] Variables =
        {
            LibraryCandidates.CudaDriverOverrideVariable, LibraryCandidates.NvmlOverrideVariable,
                LibraryCandidates.CuBlasLtOverrideVariable,
            LibraryCandidates.CudaRuntimeOverrideVariable, LibraryCandidates.CuBlasOverrideVariable,
                LibraryCandidates.CuDnnOverrideVariable,
        };

        private static void WithOverrides(Action body)
        {
            var saved = Array.ConvertAll(Variables, Environment.GetEnvironmentVariable);
            try
            {
                foreach (string v in Variables) Environment.SetEnvironmentVariable(v, null);
                Environment.SetEnvironmentVariable(LibraryCandidates.NvmlOverrideVariable, FakeLibraries.Nvml);
                body();
            }
            finally
            {
                for (int i = 0; i < Variables.Length; i++) Environment.SetEnvironmentVariable(Variables[i], saved[i]);
            }
        }

        [FakeFact]
        public void A_changed_override_gives_a_new_runtime_and_the_old_one_keeps_working()
        {
            WithOverrides(() =>
            {
                Environment.SetEnvironmentVariable(LibraryCandidates.CudaDriverOverrideVariable, FakeLibraries.CudaDriver);
                GpuRuntime first = GpuRuntime.Shared;
                Assert.Same(first, GpuRuntime.Shared);
                CudaDriver driver = first.Driver;

                Environment.SetEnvironmentVariable(LibraryCandidates.CudaDriverOverrideVariable, FakeLibraries.OldCudaDriver);
                GpuRuntime second = GpuRuntime.Shared;
                Assert.NotSame(first, second);
                Assert.Equal(FakeLibraries.OldCudaDriver, second.Driver.LibraryPath);

                // A command that took the first runtime before the change is unaffected by it.
                driver.ThrowIfFailed(driver.cuInit());
                driver.ThrowIfFailed(driver.cuDeviceGetCount(out int count));
                Assert.Equal(2, count);
                Assert.Equal(2, DeviceEnumerator.Enumerate(first).Devices.Count);

                // Flipping back finds the first runtime again rather than loading anything anew.
                Environment.SetEnvironmentVariable(LibraryCandidates.CudaDriverOverrideVariable, FakeLibraries.CudaDriver);
                Assert.Same(first, GpuRuntime.Shared);
            });
        }

        [FakeFact]
        public void Nvml_is_initialised_once_per_runtime_and_never_shut_down()
        {
            WithOverrides(() =>
            {
                Environment.SetEnvironmentVariable(LibraryCandidates.CudaDriverOverrideVariable, FakeLibraries.CudaDriver);
                GpuRuntime runtime = GpuRuntime.Shared;
                DeviceEnumerator.Enumerate(runtime);
                int inits = FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_init_count");
                Assert.True(inits >= 1);
                for (int i = 0; i < 5; i++) DeviceEnumerator.Enumerate(GpuRuntime.Shared);
                Assert.Equal(inits, FakeLibraries.Hook(FakeLibraries.Nvml, "fakenvml_init_count"));
            });
        }
    }
}
