using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>MIG profile names as nvidia-smi prints them, from slice counts and memory.</summary>
    public sealed class MigProfileNameTests
    {
        private const ulong MiB = 1024UL * 1024;

        // Instance sizes nvidia-smi mig -lgip reports on an H100 80GB (81559 MiB board) and an A100 40GB (40536 MiB).
        [Theory]
        [InlineData(1, 1, 9984UL, 81559UL, "1g.10gb")]
        [InlineData(1, 1, 20096UL, 81559UL, "1g.20gb")]
        [InlineData(2, 2, 20096UL, 81559UL, "2g.20gb")]
        [InlineData(3, 3, 40448UL, 81559UL, "3g.40gb")]
        [InlineData(4, 4, 40448UL, 81559UL, "4g.40gb")]
        [InlineData(7, 7, 81152UL, 81559UL, "7g.80gb")]
        [InlineData(1, 1, 4864UL, 40536UL, "1g.5gb")]
        [InlineData(3, 3, 19968UL, 40536UL, "3g.20gb")]
        [InlineData(3, 1, 40448UL, 81559UL, "1c.3g.40gb")]
        public void Profile_names_match_nvidia_smi(int gpuSlices, int computeSlices, ulong instanceMiB, ulong boardMiB, string expected)
        {
            Assert.Equal(expected, MigProfileName.Format(gpuSlices, computeSlices, instanceMiB, boardMiB * MiB));
        }

        [Fact]
        public void Missing_figures_give_no_name()
        {
            Assert.Null(MigProfileName.Format(0, 0, 9984, 81559 * MiB));
            Assert.Null(MigProfileName.Format(1, 1, 0, 81559 * MiB));
            Assert.Null(MigProfileName.Format(1, 1, 9984, 0));
        }
    }

    /// <summary>A GPU in MIG mode, from the fakes (FAKENVML_MIG): listing, CUDA_VISIBLE_DEVICES, selection, sampling, health.</summary>
    public sealed class MigFakeTests : FakeLibraryTest
    {
        private const string ThreeDevices = "FAKENVML_MIG=3g.40gb,1g.10gb,1c.3g.40gb";
        private const ulong MiB = 1024UL * 1024;

        private static GpuRuntime NewRuntime() =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml), PlatformNativeLoader.Instance);

        private static string MigUuid(int k) =>
            "MIG-314e00a" + k.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-4050-6070-8090-a0b0c0d0e0f0";

        [FakeFact]
        public void Without_mig_no_device_lists_mig_devices()
        {
            DeviceInventory inventory = DeviceEnumerator.Enumerate(NewRuntime());
            Assert.All(inventory.Devices, d => Assert.Empty(d.MigDevices));
            Assert.All(inventory.Devices, d => Assert.Null(d.MigParentUuid));
            Assert.Equal(false, inventory.Devices[0].MigEnabled);
            Assert.StartsWith("GPU-", inventory.Devices[0].Uuid);
        }

        [FakeFact]
        public void Cuda_shows_the_first_mig_device_and_it_is_joined_to_its_mig_handle()
        {
            FakeLibraries.Configure(ThreeDevices);
            DeviceInventory inventory = DeviceEnumerator.Enumerate(NewRuntime());
            Assert.Empty(inventory.Warnings);
            Assert.Equal(2, inventory.Devices.Count);
            CudaDevice mig = inventory.Devices[0];
            Assert.Equal(MigUuid(0), mig.Uuid);
            Assert.Equal("NVIDIA Fake H100 80GB HBM3 MIG 3g.40gb", mig.Name);
            Assert.Equal("3g.40gb", mig.MigProfile);
            Assert.StartsWith("GPU-fa4e0030", mig.MigParentUuid);
            Assert.Equal(1, mig.GpuInstanceId);
            Assert.Equal(0, mig.ComputeInstanceId);
            Assert.Equal(60, mig.MultiprocessorCount);
            Assert.Equal(40440 * MiB, mig.TotalMemory);
            // Memory is the instance's (NVML on the MIG handle), the temperature the GPU's (on its parent).
            Assert.Equal(40440 * MiB, mig.NvmlTotalMemory);
            Assert.Equal((40440 - 512) * MiB, mig.FreeMemory);
            Assert.Equal(40, mig.TemperatureC);
            Assert.Null(mig.GpuUtilizationPercent); // NVML gives none per MIG device
            Assert.Equal(true, mig.MigEnabled);
            Assert.Equal(new[] { "3g.40gb", "1g.10gb", "1c.3g.40gb" }, mig.MigDevices.Select(m => m.Profile));
            Assert.Equal(new[] { MigUuid(0), MigUuid(1), MigUuid(2) }, mig.MigDevices.Select(m => m.Uuid));
            Assert.Equal(new int?[] { 0, null, null }, mig.MigDevices.Select(m => m.CudaIndex));
            Assert.Equal(new int?[] { 1, 3, 5 }, mig.MigDevices.Select(m => m.GpuInstanceId));
            Assert.Equal(new int?[] { 3, 1, 1 }, mig.MigDevices.Select(m => m.ComputeSlices));
            Assert.All(mig.MigDevices, m => Assert.Equal("NVIDIA Fake H100 80GB HBM3", m.ParentName));
            Assert.Empty(inventory.Devices[1].MigDevices);
        }

        [FakeTheory]
        [InlineData("MIG-314e00a1-4050-6070-8090-a0b0c0d0e0f0", 1, 10110UL)]
        [InlineData("MIG-314e00a2", 2, 40440UL)] // an abbreviated UUID, as the driver allows
        public void Cuda_visible_devices_with_a_mig_uuid_shows_exactly_that_mig_device(string visible, int migIndex, ulong memoryMiB)
        {
            FakeLibraries.Configure(ThreeDevices, "CUDA_VISIBLE_DEVICES=" + visible);
            DeviceInventory inventory = DeviceEnumerator.Enumerate(NewRuntime());
            CudaDevice only = Assert.Single(inventory.Devices);
            Assert.Equal(0, only.Index);
            Assert.Equal(MigUuid(migIndex), only.Uuid);
            Assert.Equal(16, only.MultiprocessorCount);
            Assert.Equal(memoryMiB * MiB, only.TotalMemory);
            Assert.Equal((memoryMiB - 512 * (ulong)(migIndex + 1)) * MiB, only.FreeMemory);
            Assert.Empty(only.Processes); // the GPU's processes run in MIG device 0
            Assert.Equal(0, only.MigDevices.Single(m => m.Uuid == only.Uuid).CudaIndex);
        }

        [FakeFact]
        public void A_mig_uuid_selects_the_mig_device_cuda_shows_and_names_no_other()
        {
            FakeLibraries.Configure(ThreeDevices);
            IReadOnlyList<CudaDevice> devices = DeviceEnumerator.Enumerate(NewRuntime()).Devices;
            DeviceSelection selection = DeviceSelector.Select(devices, null, new[] { MigUuid(0).ToUpperInvariant(), MigUuid(1) }, null);
            Assert.Equal(0, Assert.Single(selection.Devices).Index);
            Assert.Equal(MigUuid(1), Assert.Single(selection.MissingUuids));
            // A MigDevice piped in binds -Uuid by property name: the same keys.
            DeviceSelection piped = DeviceSelector.Select(devices, null, devices[0].MigDevices.Take(1).Select(m => m.Uuid!), null);
            Assert.Equal(MigUuid(0), Assert.Single(piped.Devices).Uuid);
        }

        [FakeFact]
        public void A_gpu_in_mig_mode_is_sampled_per_mig_device_with_its_instance_memory_and_gpm()
        {
            FakeLibraries.Configure(ThreeDevices, "FAKENVML_GPM_2=10");
            DeviceInventory inventory = DeviceEnumerator.Enumerate(NewRuntime());
            // The whole GPU, as a GPU- UUID names it (from another process's listing): read per MIG device.
            var parent = new CudaDevice { Index = 0, Name = "NVIDIA Fake H100 80GB HBM3", Uuid = inventory.Devices[0].MigParentUuid,
                PciBusId = inventory.Devices[0].PciBusId };
            var warnings = new List<string>();
            using (GpuSampler sampler = GpuSampler.Create(NewRuntime(), new[] { parent, inventory.Devices[1] }, warnings))
            {
                sampler.Start();
                IReadOnlyList<GpuSample> samples = sampler.Sample();
                Assert.Empty(warnings);
                Assert.Equal(4, samples.Count);
                GpuSample[] migs = samples.Where(s => s.MigUuid != null).ToArray();
                Assert.Equal(new int?[] { 1, 3, 5 }, migs.Select(s => s.GpuInstanceId));
                Assert.All(migs, s => Assert.Equal(parent.Uuid, s.Uuid));
                Assert.Equal(new ulong?[] { 40440 * MiB, 10110 * MiB, 40440 * MiB }, migs.Select(s => s.MemoryTotal));
                Assert.Equal(new ulong?[] { 512 * MiB, 1024 * MiB, 1536 * MiB }, migs.Select(s => s.MemoryUsed));
                Assert.All(migs, s => Assert.Null(s.GpuUtilizationPercent));
                Assert.All(migs, s => Assert.Equal(72.5, s.PowerW));
                // The fake adds the GPU instance id to GPM values: each figure is its own instance's.
                Assert.Equal(new double?[] { 11, 13, 15 }, migs.Select(s => s.GpmSmActivityPercent));
                Assert.All(migs, s => Assert.Contains("NVML gives no utilization per MIG instance", s.Source));
                GpuSample whole = samples.Single(s => s.Index == 1);
                Assert.Null(whole.MigUuid);
                Assert.Equal(3, whole.GpuUtilizationPercent);

                string text = PrometheusExposition.Format(samples);
                Assert.Matches("DCGM_FI_DEV_FB_USED\\{gpu=\"0\",UUID=\"GPU-fa4e0030[^\"]*\",[^}]*modelName=\"[^\"]*\","
                    + "GPU_I_PROFILE=\"1g.10gb\",GPU_I_ID=\"3\",[^}]*\\} 1024\n", text);
                Assert.Matches("DCGM_FI_DEV_FB_USED\\{gpu=\"0\",[^}]*GPU_I_PROFILE=\"1c.3g.40gb\",GPU_I_ID=\"5\",[^}]*\\} 1536\n", text);
                Assert.DoesNotMatch("gpu=\"1\"[^}]*GPU_I_", text);
                Assert.DoesNotContain("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"", text);
            }
        }

        [FakeFact]
        public void The_mig_mode_check_says_what_it_checks_on_the_gpu_and_what_it_cannot_inside_mig()
        {
            FakeLibraries.Configure(ThreeDevices, "FAKENVML_ECC_HISTORY=0");
            GpuHealthReport report = HealthChecker.Run(NewRuntime(), new HealthRequest { XidWatch = TimeSpan.FromMilliseconds(100) });
            GpuHealthCheck mig = report.Gpus.Single(g => g.Index == 0).Checks.Single(c => c.Id == "mig_mode");
            Assert.Equal(CheckStatus.Passed.ToString(), mig.Status);
            Assert.Contains("3 MIG device(s): 3g.40gb (GPU instance 1, " + MigUuid(0) + ")", mig.Detail);
            Assert.Contains("CUDA device 0 is MIG device 3g.40gb (60 SMs, 39.5 GiB)", mig.Detail);
            Assert.Contains("no utilization per MIG device", mig.Detail);
            Assert.Contains("dcgmi diag", mig.Detail);
            Assert.Contains("CUDA_VISIBLE_DEVICES=MIG-", mig.Remedy);
            // GPU-wide checks read the GPU, not the MIG handle: ECC is still checked (ECC on, no errors).
            Assert.Equal(CheckStatus.Passed.ToString(),
                report.Gpus.Single(g => g.Index == 0).Checks.Single(c => c.Id == "ecc_errors").Status);
        }

        [FakeFact]
        public void Mig_calls_fail_on_a_gpu_without_mig_as_nvml_documents()
        {
            Nvml? nvml = NewRuntime().TryGetNvml(out _);
            Assert.NotNull(nvml);
            Assert.Equal(NvmlReturn.NVML_SUCCESS, nvml.nvmlDeviceGetHandleByIndex(0, out IntPtr gpu0));
            Assert.Equal(NvmlReturn.NVML_SUCCESS, nvml.nvmlDeviceGetMaxMigDeviceCount(gpu0, out uint max));
            Assert.Equal(0u, max);
            Assert.Equal(NvmlReturn.NVML_ERROR_INVALID_ARGUMENT, nvml.nvmlDeviceGetMigDeviceHandleByIndex(gpu0, 0, out _));
            Assert.Equal(NvmlReturn.NVML_ERROR_NOT_SUPPORTED, nvml.nvmlDeviceGetAttributes_v2(gpu0, out _));
            Assert.Equal(NvmlReturn.NVML_SUCCESS, nvml.nvmlDeviceIsMigDeviceHandle(gpu0, out bool isMig));
            Assert.False(isMig);
        }
    }
}
