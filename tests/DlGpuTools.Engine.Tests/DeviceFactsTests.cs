using DlGpuTools.Devices;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class DeviceFactsTests
    {
        [Fact]
        public void Uuid_bytes_format_like_nvidia_smi()
        {
            var bytes = new byte[] { 0x1d, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
            Assert.Equal("GPU-1d345678-9abc-def0-0123-456789abcdef", DeviceIdentity.FormatUuid(bytes));
        }

        [Theory]
        [InlineData("GPU-1D345678-9ABC-DEF0-0123-456789ABCDEF", "GPU-1d345678-9abc-def0-0123-456789abcdef")]
        [InlineData("1d345678-9abc-def0-0123-456789abcdef", "GPU-1d345678-9abc-def0-0123-456789abcdef")]
        [InlineData(" gpu-1d345678-9abc-def0-0123-456789abcdef ", "GPU-1d345678-9abc-def0-0123-456789abcdef")]
        [InlineData("MIG-abcd", "MIG-abcd")]
        public void Uuids_normalize_for_comparison(string input, string expected)
        {
            Assert.Equal(expected, DeviceIdentity.NormalizeUuid(input));
        }

        [Theory]
        [InlineData("0000:3b:00.0", "00000000:3B:00.0")]
        [InlineData("00000000:3B:00.0", "00000000:3B:00.0")]
        [InlineData("0001:c1:1f.1", "00000001:C1:1F.1")]
        public void Pci_bus_ids_from_cuda_and_nvml_normalize_to_one_form(string input, string expected)
        {
            Assert.Equal(expected, DeviceIdentity.NormalizePciBusId(input));
        }

        [Theory]
        [InlineData(5, 2, "Maxwell")]
        [InlineData(6, 1, "Pascal")]
        [InlineData(7, 0, "Volta")]
        [InlineData(7, 5, "Turing")]
        [InlineData(8, 0, "Ampere")]
        [InlineData(8, 6, "Ampere")]
        [InlineData(8, 9, "Ada Lovelace")]
        [InlineData(9, 0, "Hopper")]
        [InlineData(10, 0, "Blackwell")]
        [InlineData(12, 0, "Blackwell")]
        public void Architecture_follows_compute_capability(int major, int minor, string name)
        {
            Assert.Equal(name, GpuArchitecture.FromComputeCapability(major, minor));
        }

        [Fact]
        public void Theoretical_bandwidth_of_an_h100_sxm_matches_its_datasheet()
        {
            // 2619 MHz HBM3 on a 5120-bit bus: NVIDIA's H100 SXM datasheet gives 3.35 TB/s.
            Assert.Equal(3352.3, Units.MemoryBandwidthGBps(2619000, 5120));
            Assert.Null(Units.MemoryBandwidthGBps(null, 5120));
            Assert.Null(Units.MemoryBandwidthGBps(2619000, 0));
        }

        [Theory]
        [InlineData(13000, "13.0")]
        [InlineData(12040, "12.4")]
        [InlineData(11080, "11.8")]
        [InlineData(0, null)]
        public void Cuda_version_integers_decode(int encoded, string? text)
        {
            Assert.Equal(text, Units.CudaVersionText(encoded));
        }

        [Fact]
        public void Bytes_format_in_binary_units()
        {
            Assert.Equal("79.6 GiB", Must.Exist(Units.FormatBytes(85520809984UL)).Replace(',', '.'));
            Assert.Equal("512.0 MiB", Must.Exist(Units.FormatBytes(512UL * 1024 * 1024)).Replace(',', '.'));
            Assert.Null(Units.FormatBytes(null));
        }

        [Theory]
        [InlineData("NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Tue Sep 30 00:00:00 UTC 2025\nGCC version:  gcc "
            + "version 13.3.0", "580.159.04")]
        [InlineData("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build", "570.86.15")]
        [InlineData("garbage", null)]
        public void Kernel_module_version_parses(string text, string? version)
        {
            Assert.Equal(version, HostFacts.ParseKernelModuleVersion(text));
        }
    }
}
