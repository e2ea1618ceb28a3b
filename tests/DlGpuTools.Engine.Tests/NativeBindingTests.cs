using System;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The bindings against the fake CUDA driver and NVML: success paths, each failure path, and cleanup.</summary>
    public sealed class NativeBindingTests : FakeLibraryTest
    {
        private static GpuRuntime Runtime(string? driver = null, string? nvml = null) =>
            new GpuRuntime(FakeLibraries.Environment(driver ?? FakeLibraries.CudaDriver, nvml ?? FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);

        [FakeFact]
        public void Driver_loads_through_the_override_and_reports_its_version()
        {
            FakeLibraries.Configure("FAKECUDA_VERSION=12040");
            GpuRuntime runtime = Runtime();
            Assert.Equal(12040, runtime.Driver.DriverApiVersion);
            Assert.Equal(FakeLibraries.CudaDriver, runtime.Driver.LibraryPath);
            Assert.True(Assert.Single(runtime.Driver.Attempts).Loaded);
        }

        [FakeFact]
        public void A_file_that_is_not_a_library_is_reported_with_the_loader_error()
        {
            GpuRuntime runtime = Runtime(driver: FakeLibraries.NotALibrary);
            var e = Assert.Throws<NativeLibraryNotFoundException>(() => runtime.Driver);
            ProbeAttempt attempt = Assert.Single(e.Attempts);
            Assert.False(attempt.Loaded);
            Assert.Contains("not-a-library.so.1", attempt.Error); // dlerror names the file and why
        }

        [FakeFact]
        public void Status_codes_become_exceptions_with_the_drivers_name_and_text_and_the_call()
        {
            FakeLibraries.Configure("FAKECUDA_FAIL=cuInit=100");
            GpuRuntime runtime = Runtime();
            CudaDriver driver = runtime.Driver;
            var e = Assert.Throws<CudaException>(() => driver.ThrowIfFailed(driver.cuInit()));
            Assert.Equal(CudaResult.CUDA_ERROR_NO_DEVICE, e.Result);
            Assert.Equal("CUDA_ERROR_NO_DEVICE", e.ErrorName);
            Assert.Equal("no CUDA-capable device is detected", e.ErrorText);
            Assert.Equal("cuInit", e.Call);
            Assert.Equal("cuInit failed with CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected", e.Message);
        }

        [FakeFact]
        public void Codes_the_driver_cannot_name_fall_back_to_the_enum_name()
        {
            FakeLibraries.Configure("FAKECUDA_FAIL=cuDeviceGetCount=803");
            GpuRuntime runtime = Runtime();
            CudaDriver driver = runtime.Driver;
            var e = Assert.Throws<CudaException>(() => driver.ThrowIfFailed(driver.cuDeviceGetCount(out _)));
            Assert.Equal("CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", e.ErrorName);
            Assert.Equal("cuDeviceGetCount", e.Call);
        }

        [FakeFact]
        public void Devices_are_joined_to_nvml_by_uuid_even_when_nvml_orders_them_differently()
        {
            FakeLibraries.Configure("FAKECUDA_DEVICES=3", "FAKENVML_REVERSE=1");
            GpuRuntime runtime = Runtime();
            DeviceInventory inventory = DeviceEnumerator.Enumerate(runtime);
            Assert.Equal(3, inventory.Devices.Count);
            Assert.Empty(inventory.Failures);
            Assert.Empty(inventory.Warnings);
            foreach (CudaDevice d in inventory.Devices)
            {
                // The fake NVML reports 40 + the CUDA index as temperature: a positional join would be wrong here.
                Assert.Equal(40 + d.Index, d.TemperatureC);
                Assert.True(d.NvmlAvailable);
            }

            CudaDevice h100 = inventory.Devices[0];
            Assert.Equal("NVIDIA Fake H100 80GB HBM3", h100.Name);
            Assert.Equal("9.0", h100.ComputeCapability);
            Assert.Equal("Hopper", h100.Architecture);
            Assert.Equal(81559UL * 1024 * 1024, h100.TotalMemory);
            Assert.Equal(81559UL * 1024 * 1024, h100.NvmlTotalMemory);
            Assert.Equal("00000000:17:00.0", h100.PciBusId);
            Assert.StartsWith("GPU-fa4e00", h100.Uuid);
            Assert.Equal(3352.3, h100.MemoryBandwidthGBps);
            Assert.Equal("580.159.04", h100.DriverVersion);
            Assert.Equal("13.0", h100.CudaDriverVersion);
            Assert.Equal(72.5, h100.PowerDrawW);
            Assert.Equal(2, h100.Processes.Count); // more than the first ask had room for
            Assert.Equal(512UL * 1024 * 1024, h100.Processes[0].UsedMemory);
            Assert.Equal("8.6", inventory.Devices[1].ComputeCapability);
            Assert.Null(inventory.Devices[1].MigEnabled); // NOT_SUPPORTED stays empty
            Assert.Equal(false, inventory.Devices[1].EccEnabled);
        }

        [FakeFact]
        public void Without_nvml_the_cuda_facts_stay_complete_and_no_context_is_created()
        {
            int creations = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations");
            GpuRuntime runtime = Runtime(nvml: "/nonexistent/libnvidia-ml.so.1");
            DeviceInventory inventory = DeviceEnumerator.Enumerate(runtime);
            Assert.Equal(2, inventory.Devices.Count);
            Assert.Contains(inventory.Warnings, w =>
                w.Contains("NVML could not be loaded") && w.Contains("free memory") && w.Contains("/nonexistent/libnvidia-ml.so.1"));
            CudaDevice d = inventory.Devices[0];
            Assert.False(d.NvmlAvailable);
            Assert.Null(d.TemperatureC);
            Assert.Null(d.FreeMemory);
            Assert.Equal(81559UL * 1024 * 1024, d.TotalMemory);
            Assert.Equal(creations, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
        }

        [FakeFact]
        public void One_failing_device_does_not_hide_the_others()
        {
            FakeLibraries.Configure("FAKECUDA_DEVICES=3", "FAKECUDA_FAIL=cuDeviceGetName@1=999");
            GpuRuntime runtime = Runtime();
            DeviceInventory inventory = DeviceEnumerator.Enumerate(runtime);
            Assert.Equal(new[] { 0, 2 }, inventory.Devices.Select(d => d.Index));
            DeviceFailure failure = Assert.Single(inventory.Failures);
            Assert.Equal(1, failure.Index);
            var cuda = Assert.IsType<CudaException>(failure.Error);
            Assert.Equal("cuDeviceGetName", cuda.Call);
        }

        [FakeFact]
        public void A_driver_without_a_needed_export_is_too_old()
        {
            GpuRuntime runtime = Runtime(driver: FakeLibraries.OldCudaDriver);
            var e = Assert.Throws<NativeEntryPointMissingException>(() => DeviceEnumerator.Enumerate(runtime));
            Assert.Equal("cuDeviceTotalMem_v2", e.Function);
            Assert.Equal("CUDA 3.2", e.IntroducedIn);
        }

        [FakeFact]
        public void Nvml_init_failure_is_reported_as_a_warning_with_nvmls_text()
        {
            FakeLibraries.Configure("FAKENVML_FAIL=nvmlInit_v2=18");
            GpuRuntime runtime = Runtime();
            DeviceInventory inventory = DeviceEnumerator.Enumerate(runtime);
            Assert.Equal(2, inventory.Devices.Count);
            Assert.Contains(inventory.Warnings,
                w => w.Contains("NVML_ERROR_LIB_RM_VERSION_MISMATCH") && w.Contains("Driver/library version mismatch"));
        }

        [FakeFact]
        public void Leases_share_one_context_which_goes_with_the_last_of_them()
        {
            GpuRuntime runtime = Runtime();
            runtime.Driver.ThrowIfFailed(runtime.Driver.cuInit());
            int creations = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations");
            DeviceContext first = runtime.AcquireContext(0);
            DeviceContext second = runtime.AcquireContext(0);
            Assert.Equal(creations + 1, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations"));
            Assert.Equal(1, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
            Assert.Equal(2, runtime.Driver.Contexts.Users(0));
            // Creating the context leaves nothing current on this thread: each use pushes and pops it.
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth"));

            first.Dispose();
            first.Dispose(); // a second dispose gives nothing back twice
            Assert.Equal(1, runtime.Driver.Contexts.Users(0));
            Assert.Throws<ObjectDisposedException>(() => first.Enter());
            using (second.Enter())
            {
                // The context outlives the first lease: the second still allocates in it.
                DeviceBuffer.Allocate(runtime.Driver, second, 4096).Dispose();
            }

            second.Dispose();
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
            using (DeviceContext third = runtime.AcquireContext(0))
            {
                Assert.Equal(creations + 2, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations"));
            }

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_allocations_lost_with_context"));
            // The device's primary context, which other code in the process may share, is never touched.
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_retained_contexts"));
        }

        [FakeFact]
        public void A_lease_on_another_device_has_its_own_context()
        {
            GpuRuntime runtime = Runtime();
            runtime.Driver.ThrowIfFailed(runtime.Driver.cuInit());
            using (DeviceContext zero = runtime.AcquireContext(0))
            using (DeviceContext one = runtime.AcquireContext(1))
            {
                Assert.NotEqual(zero.Handle, one.Handle);
                Assert.Equal(2, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
            }

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
            var e = Assert.Throws<CudaException>(() => runtime.AcquireContext(7));
            Assert.Equal(CudaResult.CUDA_ERROR_INVALID_DEVICE, e.Result);
        }

        [FakeFact]
        public void A_buffer_is_freed_on_a_thread_with_no_current_context()
        {
            int before = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations");
            GpuRuntime runtime = Runtime();
            CudaDriver driver = runtime.Driver;
            driver.ThrowIfFailed(driver.cuInit());
            using (DeviceContext context = runtime.AcquireContext(0))
            {
                DeviceBuffer buffer;
                using (context.Enter()) buffer = DeviceBuffer.Allocate(driver, context, 1 << 20);
                Assert.Equal(before + 1, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations"));

                // Another thread has an empty context stack (the fake keeps one per thread, as the driver does),
                // so a buffer that did not push its own context there could not be freed.
                int depthThere = -1;
                var other = new System.Threading.Thread(() =>
                {
                    buffer.Dispose();
                    depthThere = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth");
                });
                other.Start();
                other.Join();
                Assert.Equal(0, depthThere);
                Assert.Equal(before, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations"));
            }

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
        }

        [FakeFact]
        public void A_context_made_current_on_one_thread_is_not_current_on_another()
        {
            GpuRuntime runtime = Runtime();
            CudaDriver driver = runtime.Driver;
            driver.ThrowIfFailed(driver.cuInit());
            using (DeviceContext context = runtime.AcquireContext(0))
            using (context.Enter())
            {
                CudaResult there = CudaResult.CUDA_SUCCESS;
                var other = new System.Threading.Thread(() => there = driver.cuMemAlloc(4096, out _));
                other.Start();
                other.Join();
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_CONTEXT, there);
                Assert.Equal(1, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth"));
            }

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_stack_depth"));
        }

        [FakeFact]
        public void Many_threads_leasing_at_once_leave_no_context_or_memory_behind()
        {
            int before = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations");
            GpuRuntime runtime = Runtime();
            CudaDriver driver = runtime.Driver;
            driver.ThrowIfFailed(driver.cuInit());
            var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, 8).Select(t => new System.Threading.Thread(() =>
            {
                try
                {
                    for (int i = 0; i < 200; i++)
                    {
                        using (DeviceContext context = runtime.AcquireContext(t % 2))
                        using (context.Enter())
                        using (DeviceBuffer.Allocate(driver, context, 4096))
                        {
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(errors);
            Assert.Equal(before, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_contexts"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_allocations_lost_with_context"));
        }

        [FakeFact]
        public void Out_of_memory_is_a_cuda_exception_not_a_crash()
        {
            GpuRuntime runtime = Runtime();
            CudaDriver driver = runtime.Driver;
            driver.ThrowIfFailed(driver.cuInit());
            using (DeviceContext context = runtime.AcquireContext(0))
            using (context.Enter())
            {
                var e = Assert.Throws<CudaException>(() => DeviceBuffer.Allocate(driver, context, 200UL << 30));
                Assert.Equal(CudaResult.CUDA_ERROR_OUT_OF_MEMORY, e.Result);
                Assert.Equal("cuMemAlloc", e.Call);
            }
        }
    }
}
