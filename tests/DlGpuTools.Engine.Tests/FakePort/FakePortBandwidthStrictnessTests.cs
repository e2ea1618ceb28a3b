using System;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>The fake's host memory, peer access and kernels over them refuse what the driver refuses.</summary>
    public class FakePortBandwidthStrictnessTests
    {
        [Fact]
        public void A_peer_copy_needs_access_enabled_from_the_copying_context()
        {
            var gpu = new ManagedFakeGpu(devices: 2);
            using (IPortLease zero = gpu.Lease(0))
            using (IPortLease one = gpu.Lease(1))
            {
                DeviceMemory remote;
                using (one.Enter()) remote = DeviceMemory.Allocate(gpu, 4096);
                using (zero.Enter())
                using (var stream = new OwnedStream(gpu))
                using (DeviceMemory local = DeviceMemory.Allocate(gpu, 4096))
                {
                    var refused = Assert.Throws<CudaException>(() =>
                        gpu.CopyPeer(remote.Pointer, one, local.Pointer, zero, 4096, stream.Stream));
                    Assert.Equal(CudaResult.CUDA_ERROR_PEER_ACCESS_NOT_ENABLED, refused.Result);

                    Assert.True(gpu.EnablePeerAccess(one));
                    Assert.True(gpu.EnablePeerAccess(one));
                    gpu.CopyPeer(remote.Pointer, one, local.Pointer, zero, 4096, stream.Stream);
                    var past = Assert.Throws<CudaException>(() =>
                        gpu.CopyPeer(remote.Pointer + 16, one, local.Pointer, zero, 4096, stream.Stream));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, past.Result);
                    stream.Synchronize();
                }

                using (one.Enter()) remote.Dispose();
            }
        }

        [Fact]
        public void Access_the_driver_does_not_support_is_an_answer_not_an_exception()
        {
            var gpu = new ManagedFakeGpu(devices: 2) { PeerAccessSupported = false };
            using (IPortLease zero = gpu.Lease(0))
            using (IPortLease one = gpu.Lease(1))
            using (zero.Enter())
            {
                Assert.False(gpu.CanAccessPeer(0, 1));
                Assert.False(gpu.EnablePeerAccess(one));
            }
        }

        [Fact]
        public void Only_mapped_host_memory_has_a_device_address_and_a_kernel_reaches_no_further_than_its_end()
        {
            var gpu = new ManagedFakeGpu();
            using (IPortLease lease = gpu.Lease(0))
            using (lease.Enter())
            {
                IntPtr plain = gpu.AllocateHost(4096, mapped: false), mapped = gpu.AllocateHost(4096, mapped: true);
                try
                {
                    var none = Assert.Throws<CudaException>(() => gpu.MappedAddress(plain));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, none.Result);
                    ulong address = gpu.MappedAddress(mapped);
                    Assert.Equal(address + 16, gpu.MappedAddress(mapped + 16));

                    Assert.Equal(ManagedFakeGpu.Place.Host, gpu.KernelRange(0, address, 4096).Where);
                    var past = Assert.Throws<CudaException>(() => gpu.KernelRange(0, address + 16, 4096));
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, past.Result);
                    Assert.Equal(2, gpu.LiveHostAllocations);
                }
                finally
                {
                    gpu.FreeHost(plain);
                    gpu.FreeHost(mapped);
                }

                Assert.Equal(0, gpu.LiveHostAllocations);
                var twice = Assert.Throws<CudaException>(() => gpu.FreeHost(plain));
                Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, twice.Result);
            }
        }
    }
}
