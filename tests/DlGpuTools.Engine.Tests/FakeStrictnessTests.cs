using System;
using System.Text;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The fake CUDA driver refuses what the real driver refuses where an engine bug would otherwise pass CI:
    /// copies and fills outside a live allocation, copies with no current context, and handles destroyed twice.
    /// Each test plants the bug through our own bindings and expects the driver's error code.
    /// </summary>
    public sealed unsafe class FakeStrictnessTests : FakeLibraryTest
    {
        private const ulong Bytes = 256;

        // The smallest image the fake accepts as PTX, with one kernel the bandwidth tests use.
        private static readonly byte[] MinimalPtx = Encoding.ASCII.GetBytes(
            ".version 7.0\n.target sm_50\n.address_size 64\n.visible .entry dlgpu_spin(\n.param .u64 p_flag\n)\n{\nret;\n}\n\0");

        private static CudaDriver Load()
        {
            ProbeEnvironment fakes = FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml);
            CudaDriver driver = CudaDriver.Load(fakes, PlatformNativeLoader.Instance);
            driver.ThrowIfFailed(driver.cuInit());
            return driver;
        }

        /// <summary>Device 0's primary context, current on this thread until disposed.</summary>
        private sealed class CurrentContext : IDisposable
        {
            private readonly CudaDriver _driver;

            public CurrentContext(CudaDriver driver)
            {
                _driver = driver;
                driver.ThrowIfFailed(driver.cuDevicePrimaryCtxRetain(0, out IntPtr context));
                driver.ThrowIfFailed(driver.cuCtxPushCurrent(context));
            }

            public void Dispose()
            {
                _driver.ThrowIfFailed(_driver.cuCtxPopCurrent(out _));
                _driver.ThrowIfFailed(_driver.cuDevicePrimaryCtxRelease(0));
            }
        }

        [FakeFact]
        public void A_copy_or_fill_that_runs_past_its_allocation_is_refused()
        {
            CudaDriver driver = Load();
            var host = new byte[Bytes + 16];
            using (new CurrentContext(driver))
            {
                driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out ulong device));
                driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out ulong other));
                driver.ThrowIfFailed(driver.cuStreamCreate(out IntPtr stream, 1));
                try
                {
                    fixed (byte* h = host)
                    {
                        var p = (IntPtr)h;
                        // The whole allocation is fine; 16 bytes more, or the last bytes read from an offset too far, are not.
                        Assert.Equal(CudaResult.CUDA_SUCCESS, driver.cuMemcpyHtoD(device, p, Bytes));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyHtoD(device, p, Bytes + 16));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyDtoH(p, device + 16, Bytes));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemsetD8(device, 0, Bytes + 1));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyHtoDAsync(device, p, Bytes + 16, stream));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyDtoHAsync(p, device, Bytes + 16, stream));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemsetD8Async(device + Bytes, 0, 1, stream));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyDtoDAsync(other, device, Bytes + 16, stream));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyDtoDAsync(other + 8, device, Bytes, stream));
                        Assert.Equal(CudaResult.CUDA_SUCCESS, driver.cuMemcpyDtoDAsync(other, device, Bytes, stream));
                        driver.ThrowIfFailed(driver.cuStreamSynchronize(stream));
                    }
                }
                finally
                {
                    driver.ThrowIfFailed(driver.cuStreamDestroy(stream));
                    driver.ThrowIfFailed(driver.cuMemFree(other));
                    driver.ThrowIfFailed(driver.cuMemFree(device));
                }
            }
        }

        [FakeFact]
        public void A_pretend_allocation_is_bounded_by_the_size_asked_for()
        {
            // Above FAKECUDA_REAL_LIMIT_MB the fake keeps one real byte: copies inside the asked-for size succeed
            // (and touch nothing), copies past it are refused as for any allocation.
            FakeLibraries.Configure("FAKECUDA_REAL_LIMIT_MB=1");
            CudaDriver driver = Load();
            const ulong large = 2UL << 20;
            var host = new byte[64];
            using (new CurrentContext(driver))
            {
                driver.ThrowIfFailed(driver.cuMemAlloc(large, out ulong device));
                try
                {
                    fixed (byte* h = host)
                    {
                        Assert.Equal(CudaResult.CUDA_SUCCESS, driver.cuMemcpyHtoD(device + large - 64, (IntPtr)h, 64));
                        Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyHtoD(device + large - 48, (IntPtr)h, 64));
                    }
                }
                finally
                {
                    driver.ThrowIfFailed(driver.cuMemFree(device));
                }
            }
        }

        [FakeFact]
        public void A_copy_on_a_freed_pointer_or_a_second_free_is_refused()
        {
            CudaDriver driver = Load();
            var host = new byte[Bytes];
            using (new CurrentContext(driver))
            {
                driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out ulong device));
                driver.ThrowIfFailed(driver.cuMemFree(device));
                fixed (byte* h = host)
                {
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyHtoD(device, (IntPtr)h, Bytes));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemcpyDtoH((IntPtr)h, device, 1));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemsetD8(device, 0, 1));
                }

                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemFree(device));
            }

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_allocations"));
        }

        [FakeFact]
        public void A_synchronous_copy_or_fill_without_a_current_context_is_refused()
        {
            CudaDriver driver = Load();
            var host = new byte[Bytes];
            ulong device;
            driver.ThrowIfFailed(driver.cuDevicePrimaryCtxRetain(0, out IntPtr context));
            driver.ThrowIfFailed(driver.cuCtxPushCurrent(context));
            driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out device));
            driver.ThrowIfFailed(driver.cuCtxPopCurrent(out _));
            try
            {
                fixed (byte* h = host)
                {
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_CONTEXT, driver.cuMemcpyHtoD(device, (IntPtr)h, Bytes));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_CONTEXT, driver.cuMemcpyDtoH((IntPtr)h, device, Bytes));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_CONTEXT, driver.cuMemsetD8(device, 0, Bytes));
                }
            }
            finally
            {
                driver.ThrowIfFailed(driver.cuCtxPushCurrent(context));
                driver.ThrowIfFailed(driver.cuMemFree(device));
                driver.ThrowIfFailed(driver.cuCtxPopCurrent(out _));
                driver.ThrowIfFailed(driver.cuDevicePrimaryCtxRelease(0));
            }
        }

        [FakeFact]
        public void Destroying_a_stream_event_or_module_twice_or_one_never_created_is_refused()
        {
            CudaDriver driver = Load();
            int streams = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_streams");
            int events = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_events");
            int modules = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_modules");
            var neverCreated = new IntPtr(0x5eed);
            using (new CurrentContext(driver))
            {
                driver.ThrowIfFailed(driver.cuStreamCreate(out IntPtr stream, 1));
                driver.ThrowIfFailed(driver.cuStreamDestroy(stream));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuStreamDestroy(stream));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuStreamDestroy(neverCreated));

                driver.ThrowIfFailed(driver.cuEventCreate(out IntPtr cudaEvent, 0));
                driver.ThrowIfFailed(driver.cuEventDestroy(cudaEvent));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuEventDestroy(cudaEvent));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuEventDestroy(neverCreated));

                Assert.True(driver.cuModuleLoadDataEx(out IntPtr module, MinimalPtx, out string log) == CudaResult.CUDA_SUCCESS, log);
                driver.ThrowIfFailed(driver.cuModuleUnload(module));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuModuleUnload(module));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuModuleUnload(neverCreated));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_HANDLE, driver.cuModuleGetFunction(out _, module, "dlgpu_spin"));
            }

            // Refused destroys leave the fake's counts alone, so leak checks elsewhere stay meaningful.
            Assert.Equal(streams, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_streams"));
            Assert.Equal(events, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_events"));
            Assert.Equal(modules, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_modules"));
        }

        [FakeFact]
        public void Reading_an_asynchronous_copy_before_synchronising_sees_stale_data()
        {
            // The planted ordering bug: a device-to-host copy into page-locked memory is read before the stream is
            // synchronised. On a GPU the copy may not have happened yet; the fake runs it only at the sync.
            CudaDriver driver = Load();
            var pattern = new byte[Bytes];
            for (int i = 0; i < pattern.Length; i++) pattern[i] = (byte)(0xA0 + i % 16);
            using (new CurrentContext(driver))
            {
                driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out ulong device));
                driver.ThrowIfFailed(driver.cuMemHostAlloc(out IntPtr pinned, Bytes, 0));
                driver.ThrowIfFailed(driver.cuStreamCreate(out IntPtr stream, 1));
                try
                {
                    var host = (byte*)pinned;
                    fixed (byte* p = pattern) driver.ThrowIfFailed(driver.cuMemcpyHtoD(device, (IntPtr)p, Bytes));
                    driver.ThrowIfFailed(driver.cuMemcpyDtoHAsync(pinned, device, Bytes, stream));

                    Assert.Equal(0, host[0]);
                    Assert.Equal(0, host[Bytes - 1]);
                    Assert.Equal(CudaResult.CUDA_ERROR_NOT_READY, driver.cuStreamQuery(stream));

                    driver.ThrowIfFailed(driver.cuStreamSynchronize(stream));
                    Assert.Equal(pattern, new ReadOnlySpan<byte>(host, (int)Bytes).ToArray());
                    Assert.Equal(CudaResult.CUDA_SUCCESS, driver.cuStreamQuery(stream));
                }
                finally
                {
                    driver.ThrowIfFailed(driver.cuStreamDestroy(stream));
                    driver.ThrowIfFailed(driver.cuMemFreeHost(pinned));
                    driver.ThrowIfFailed(driver.cuMemFree(device));
                }
            }
        }

        [FakeFact]
        public void Queued_work_keeps_its_order_and_synchronous_calls_see_what_was_queued_before_them()
        {
            // Correct code must still pass: a fill queued on a stream is seen by a later synchronous copy, an
            // upload from pageable memory may reuse its source at once, and an event interval is readable only
            // once its records ran.
            CudaDriver driver = Load();
            var host = new byte[Bytes];
            using (new CurrentContext(driver))
            {
                driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out ulong device));
                driver.ThrowIfFailed(driver.cuStreamCreate(out IntPtr stream, 1));
                driver.ThrowIfFailed(driver.cuEventCreate(out IntPtr start, 0));
                driver.ThrowIfFailed(driver.cuEventCreate(out IntPtr end, 0));
                try
                {
                    fixed (byte* h = host)
                    {
                        driver.ThrowIfFailed(driver.cuEventRecord(start, stream));
                        driver.ThrowIfFailed(driver.cuMemsetD8Async(device, 0x11, Bytes, stream));
                        host[0] = 0x22;
                        driver.ThrowIfFailed(driver.cuMemcpyHtoDAsync(device, (IntPtr)h, 1, stream));
                        host[0] = 0x33; // staged already: the upload keeps 0x22
                        driver.ThrowIfFailed(driver.cuEventRecord(end, stream));
                        Assert.Equal(CudaResult.CUDA_ERROR_NOT_READY, driver.cuEventElapsedTime(out _, start, end));

                        driver.ThrowIfFailed(driver.cuMemcpyDtoH((IntPtr)h, device, Bytes));
                        Assert.Equal(0x22, host[0]);
                        Assert.Equal(0x11, host[Bytes - 1]);
                        driver.ThrowIfFailed(driver.cuEventSynchronize(end));
                        driver.ThrowIfFailed(driver.cuEventElapsedTime(out float ms, start, end));
                        Assert.True(ms > 0);
                    }
                }
                finally
                {
                    driver.ThrowIfFailed(driver.cuEventDestroy(end));
                    driver.ThrowIfFailed(driver.cuEventDestroy(start));
                    driver.ThrowIfFailed(driver.cuStreamDestroy(stream));
                    driver.ThrowIfFailed(driver.cuMemFree(device));
                }
            }
        }

        [FakeFact]
        public void The_call_trace_records_each_call_with_its_arguments_names_and_status()
        {
            CudaDriver driver = Load();
            string trace = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fakecuda-trace-{Guid.NewGuid():N}.txt");
            FakeLibraries.Configure($"FAKECUDA_TRACE={trace}");
            try
            {
                using (new CurrentContext(driver))
                {
                    driver.ThrowIfFailed(driver.cuMemAlloc(Bytes, out ulong device));
                    driver.ThrowIfFailed(driver.cuStreamCreate(out IntPtr stream, 1));
                    driver.ThrowIfFailed(driver.cuMemsetD8Async(device + 16, 0xA5, Bytes - 16, stream));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemsetD8Async(device, 0, Bytes + 1, stream));
                    driver.ThrowIfFailed(driver.cuStreamSynchronize(stream));
                    driver.ThrowIfFailed(driver.cuStreamDestroy(stream));
                    driver.ThrowIfFailed(driver.cuMemFree(device));
                }
                FakeLibraries.Reset();
                driver.ThrowIfFailed(driver.cuDeviceGetCount(out _)); // tracing is off again: no line

                Assert.Equal(
                    new[]
                    {
                        "cuda cuDevicePrimaryCtxRetain dev=0 ctx=- -> 0",
                        "cuda cuCtxPushCurrent_v2 p0 ctx=p0 -> 0",
                        "cuda cuMemAlloc_v2 256 = b1 ctx=p0 -> 0",
                        "cuda cuStreamCreate flags=1 = s1 ctx=p0 -> 0",
                        "cuda cuMemsetD8Async b1+16 value=165 240 s1 ctx=p0 -> 0",
                        "cuda cuMemsetD8Async b1 value=0 257 s1 ctx=p0 -> 1",
                        "cuda cuStreamSynchronize s1 ctx=p0 -> 0",
                        "cuda cuStreamDestroy_v2 s1 ctx=p0 -> 0",
                        "cuda cuMemFree_v2 b1 ctx=p0 -> 0",
                        "cuda cuCtxPopCurrent_v2 = p0 ctx=- -> 0",
                        "cuda cuDevicePrimaryCtxRelease_v2 dev=0 ctx=- -> 0",
                    },
                    System.IO.File.ReadAllLines(trace));
            }
            finally
            {
                System.IO.File.Delete(trace);
            }
        }
    }
}
