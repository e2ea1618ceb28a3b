using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The process lists Get-GpuProcess and Watch-Gpu read, through the fake NVML: one GPU's failure stays that GPU's.</summary>
    public sealed class GpuProcessSourceTests : FakeLibraryTest
    {
        private static GpuRuntime NewRuntime(string nvml) =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, nvml), PlatformNativeLoader.Instance);

        [FakeFact]
        public void Each_gpu_lists_its_own_processes()
        {
            GpuRuntime runtime = NewRuntime(FakeLibraries.Nvml);
            var warnings = new List<string>();

            GpuProcessSource source = Must.Exist(GpuProcessSource.TryOpen(runtime, DeviceEnumerator.Enumerate(runtime).Devices, warnings,
                out Exception? failure));

            Assert.Null(failure);
            Assert.Empty(warnings);
            Assert.Equal(new[] { 0, 1 }, source.Devices.Select(d => d.Index));
            Assert.Equal(2, source.Read(source.Devices[0], TimeSpan.FromSeconds(2), out Exception? none).Count);
            Assert.Null(none);
            Assert.Empty(source.Read(source.Devices[1], TimeSpan.FromSeconds(2), out _));
        }

        [FakeFact]
        public void A_gpu_whose_list_fails_returns_nvmls_error_and_the_others_still_read()
        {
            FakeLibraries.Configure("FAKENVML_FAIL=nvmlDeviceGetComputeRunningProcesses_v3@0=15");
            GpuRuntime runtime = NewRuntime(FakeLibraries.Nvml);
            GpuProcessSource source = Must.Exist(
                GpuProcessSource.TryOpen(runtime, DeviceEnumerator.Enumerate(runtime).Devices, new List<string>(), out _));

            IReadOnlyList<GpuProcessUsage> first = source.Read(source.Devices[0], TimeSpan.FromSeconds(2), out Exception? failure);

            Assert.Empty(first);
            var nvml = Assert.IsType<NvmlException>(failure);
            Assert.Equal(NvmlReturn.NVML_ERROR_GPU_IS_LOST, nvml.Result);
            source.Read(source.Devices[1], TimeSpan.FromSeconds(2), out Exception? second);
            Assert.Null(second);
        }

        [FakeFact]
        public void Without_nvml_there_is_no_source_and_the_reason_is_the_search()
        {
            GpuRuntime runtime = NewRuntime("/nonexistent/libnvidia-ml.so.1");

            GpuProcessSource? source = GpuProcessSource.TryOpen(runtime, DeviceEnumerator.Enumerate(runtime).Devices, new List<string>(),
                out Exception? failure);

            Assert.Null(source);
            Assert.True(LibraryFailures.IsLibraryNotFound(Must.Exist(failure)));
            Assert.Contains("/nonexistent/libnvidia-ml.so.1", failure!.Message, StringComparison.Ordinal);
        }
    }
}
