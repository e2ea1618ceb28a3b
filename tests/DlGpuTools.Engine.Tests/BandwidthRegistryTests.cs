using System;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using DlGpuTools.Bandwidth;
using DlGpuTools.Bandwidth.Tests;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The registered bandwidth tests: one list that holds every test class, each declaring itself consistently.</summary>
    public sealed class BandwidthRegistryTests
    {
        private static readonly Type[] TestClasses = typeof(BandwidthTest).Assembly.GetTypes()
            .Where(t => typeof(BandwidthTest).IsAssignableFrom(t) && !t.IsAbstract)
            .ToArray();

        [Fact]
        public void Every_test_class_is_registered_once_and_the_list_holds_nothing_else()
        {
            Assert.NotEmpty(TestClasses);
            Assert.Equal(
                TestClasses.Select(t => t.FullName).OrderBy(n => n, StringComparer.Ordinal),
                BandwidthTests.All.Select(t => t.GetType().FullName).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void Each_class_names_its_id_once_in_a_constant_that_is_the_registered_id()
        {
            foreach (IBandwidthTest test in BandwidthTests.All)
            {
                FieldInfo? constant = test.GetType()
                    .GetField("TestId", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
                Assert.True(constant != null, $"{test.GetType().Name} declares no TestId");
                Assert.Equal(test.Id, constant!.GetValue(null));
                Assert.Matches(new Regex("^[a-z0-9]+(_[a-z0-9]+)*$"), test.Id);
                Assert.EndsWith(".", test.Description, StringComparison.Ordinal);
                Assert.InRange(test.Description.Length, 20, 120);
                Assert.Empty(test.Needs);
            }
        }

        [Fact]
        public void Buffers_and_applicability_follow_the_path()
        {
            foreach (BandwidthTest test in BandwidthTests.Tests.All)
            {
                Assert.True(test.Buffers.DeviceBuffers >= 1, test.Id);
                Assert.Equal(test.Path == BandwidthPath.Host, test.Buffers.HostBuffers > 0);
                Assert.Equal(test.Path == BandwidthPath.Host, test.Buffers.HostMemory != HostMemory.None);
                Assert.Equal(test.Path != BandwidthPath.Peer, test.AppliesTo(1));
                Assert.True(test.AppliesTo(2), test.Id);
                Assert.False(test.Buffers.BlockSums && test.Path != BandwidthPath.Device, test.Id);
            }

            // Device tests run first, then host tests, then the pairs, as the cmdlet writes them.
            Assert.Equal(
                BandwidthTests.All.Select(t => t.Path).OrderBy(p => p),
                BandwidthTests.All.Select(t => t.Path));
        }

        [Fact]
        public void The_registry_is_what_validation_and_completion_read()
        {
            Assert.Equal("bandwidth test", BandwidthTests.Registry.Feature);
            Assert.Equal(BandwidthTests.All.Select(t => t.Id), BandwidthTests.Registry.Ids);
            Assert.Equal(BandwidthTests.All[0].Description,
                BandwidthTests.Registry.DescriptionOf(BandwidthTests.All[0].Id.ToUpperInvariant()));
            Assert.Null(BandwidthTests.Registry.DescriptionOf("device_copy"));
        }
    }

    /// <summary>A session refuses a test on the wrong path, before it allocates anything.</summary>
    public sealed class BandwidthPathTests : FakeLibraryTest
    {
        private static readonly BandwidthRequest Quick = new BandwidthRequest { Bytes = 1UL << 20, Iterations = 2, Warmup = 0,
            BatchMilliseconds = 1 };

        [FakeFact]
        public void A_peer_test_needs_RunPeer_and_a_single_gpu_test_needs_Run()
        {
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            var devices = DeviceEnumerator.Enumerate(runtime).Devices;
            using (BandwidthSession a = BandwidthSession.Open(runtime, devices[0]))
            using (BandwidthSession b = BandwidthSession.Open(runtime, devices[1]))
            {
                var peerOnOne = Assert.Throws<ArgumentException>(() =>
                    a.Run(DeviceToDeviceMemcpyWriteCe.TestId, Quick, CancellationToken.None));
                Assert.Contains("RunPeer", peerOnOne.Message, StringComparison.Ordinal);
                Assert.Throws<ArgumentException>(() => a.RunPeer(DeviceWriteSm.TestId, b, Quick, CancellationToken.None));
                Assert.Throws<Registration.UnknownRegisteredIdException>(() => a.Run("device_copy", Quick, CancellationToken.None));
            }

            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_streams"));
        }

        [FakeFact]
        public void Host_memory_has_a_device_address_only_when_it_was_allocated_mapped()
        {
            var runtime = new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml),
                PlatformNativeLoader.Instance);
            CudaDriver driver = runtime.Driver;
            using (DeviceContext context = runtime.AcquireContext(0))
            using (context.Enter())
            {
                var port = new CudaPort(runtime);
                using (PinnedHostBuffer plain = PinnedHostBuffer.Allocate(port, 4096, mapped: false))
                using (PinnedHostBuffer mapped = PinnedHostBuffer.Allocate(port, 4096, mapped: true))
                {
                    Assert.Equal(CudaResult.CUDA_ERROR_INVALID_VALUE, driver.cuMemHostGetDevicePointer(out _, plain.Pointer));
                    Assert.Equal(CudaResult.CUDA_SUCCESS, driver.cuMemHostGetDevicePointer(out ulong address, mapped.Pointer + 16));
                    Assert.NotEqual(0UL, address);
                }
            }

            Assert.Equal(0, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_live_pinned"));
        }
    }
}
