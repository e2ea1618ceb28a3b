using System;
using System.Runtime.InteropServices;
using System.Threading;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>The managed fake catches the bugs a GPU would: each test plants one and checks that it fails.</summary>
    public class FakePortStrictnessTests
    {
        [Fact]
        public void Host_memory_read_before_the_stream_synchronises_is_stale()
        {
            var gpu = new ManagedFakeGpu();
            IntPtr host = Marshal.AllocHGlobal(64);
            try
            {
                using (var lease = gpu.Lease(0))
                using (lease.Enter())
                using (var stream = new OwnedStream(gpu))
                using (var buffer = DeviceMemory.Allocate(gpu, 64))
                {
                    Marshal.WriteInt32(host, 0);
                    gpu.Fill(buffer.Pointer, 0x7F, 64, stream.Stream);
                    gpu.CopyToHost(host, buffer.Pointer, 64, stream.Stream);

                    // The planted bug: read before synchronising. The copy has not run yet.
                    Assert.Equal(0, Marshal.ReadInt32(host));

                    stream.Synchronize();
                    Assert.Equal(0x7F7F7F7F, Marshal.ReadInt32(host));
                }
            }
            finally
            {
                Marshal.FreeHGlobal(host);
            }
        }

        [Fact]
        public void An_event_interval_read_before_its_end_completes_is_not_ready()
        {
            var gpu = new ManagedFakeGpu();
            using (var lease = gpu.Lease(0))
            using (lease.Enter())
            using (var stream = new OwnedStream(gpu))
            {
                PortEvent start = gpu.CreateEvent(), end = gpu.CreateEvent();
                gpu.Record(start, stream.Stream);
                gpu.Record(end, stream.Stream);

                var e = Assert.Throws<CudaException>(() => gpu.ElapsedMilliseconds(start, end));
                Assert.Equal(CudaResult.CUDA_ERROR_NOT_READY, e.Result);

                gpu.Synchronize(end);
                Assert.Equal(0, gpu.ElapsedMilliseconds(start, end));
                gpu.Destroy(start);
                gpu.Destroy(end);
            }
        }

        [Fact]
        public void A_copy_past_the_end_of_its_allocation_is_refused_when_queued()
        {
            var gpu = new ManagedFakeGpu();
            using (var lease = gpu.Lease(0))
            using (lease.Enter())
            using (var stream = new OwnedStream(gpu))
            using (var a = DeviceMemory.Allocate(gpu, 4096))
            using (var b = DeviceMemory.Allocate(gpu, 4096))
            {
                var e = Assert.Throws<CudaException>(() => gpu.CopyOnDevice(b.Pointer, a.Pointer + 16, 4096, stream.Stream));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, e.Result);
            }
        }

        [Fact]
        public void Work_needs_a_context_current_on_the_calling_thread()
        {
            var gpu = new ManagedFakeGpu();
            using (var lease = gpu.Lease(0))
            using (lease.Enter())
            {
                // Entered on this thread only: another thread has no current context, as with the driver.
                Exception? seen = null;
                var other = new Thread(() => seen = Record.Exception(() => gpu.MemoryInfo()));
                other.Start();
                other.Join();
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_CONTEXT, Assert.IsType<CudaException>(seen).Result);
                Assert.Equal(gpu.MemoryBytes, gpu.MemoryInfo().Free);
            }
        }

        [Fact]
        public void A_second_free_is_refused()
        {
            var gpu = new ManagedFakeGpu();
            using (var lease = gpu.Lease(0))
            using (lease.Enter())
            {
                Assert.Equal(CudaResult.CUDA_SUCCESS, gpu.TryAllocate(256, out ulong p));
                gpu.Free(p);
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, Assert.Throws<CudaException>(() => gpu.Free(p)).Result);
            }
        }

        [Fact]
        public void The_last_lease_destroys_the_context_and_what_was_left_in_it()
        {
            var gpu = new ManagedFakeGpu();
            var first = gpu.Lease(0);
            var second = gpu.Lease(0);
            using (first.Enter()) DeviceMemory.Allocate(gpu, 1024); // leaked on purpose
            first.Dispose();
            Assert.Equal(1, gpu.LiveAllocations);
            second.Dispose();
            Assert.Equal(0, gpu.LiveAllocations);
            Assert.Equal(0, gpu.LiveContexts);
        }
    }
}
