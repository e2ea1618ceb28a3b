using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>Builds <see cref="CudaDevice"/> objects from the CUDA driver, joined with NVML's facts.</summary>
    public static class DeviceEnumerator
    {
        /// <summary>
        /// Lists the devices the CUDA driver shows this process. Throws when the driver cannot be used at
        /// all (not found, cuInit failed, too old); a device that fails on its own becomes a
        /// <see cref="DeviceFailure"/> and the others are still returned.
        /// </summary>
        /// <param name="runtime">The loaded libraries.</param>
        /// <param name="wantIndex">Which CUDA ordinals to build (null: all); saves work for -Index.</param>
        public static DeviceInventory Enumerate(GpuRuntime runtime, Func<int, bool>? wantIndex = null)
        {
            CudaDriver driver = runtime.Driver;
            driver.ThrowIfFailed(driver.cuInit());
            driver.ThrowIfFailed(driver.cuDeviceGetCount(out int count));

            var warnings = new List<string>();
            var devices = new List<CudaDevice>();
            var failures = new List<DeviceFailure>();
            if (count == 0) return new DeviceInventory(0, devices, failures, warnings);

            Nvml? nvml = runtime.TryGetNvml(out NativeLibraryNotFoundException? nvmlMissing);
            NvmlDeviceFacts? nvmlFacts = null;
            if (nvml != null)
            {
                nvmlFacts = NvmlDeviceFacts.Read(nvml, warnings);
            }
            else
            {
                // Free memory would need a CUDA context on every GPU without NVML, and listing devices never creates one.
                warnings.Add("NVML could not be loaded, so free memory, temperature, power, utilization, PCIe link, persistence, MIG and "
                    + "ECC modes and processes are empty; the CUDA facts are complete. "
                    + nvmlMissing?.Message);
            }

            string? driverVersion = nvmlFacts?.DriverVersion ?? HostFacts.ReadLinuxKernelModuleVersion();
            string? cudaDriverVersion = Units.CudaVersionText(driver.DriverApiVersion);

            for (int ordinal = 0; ordinal < count; ordinal++)
            {
                if (wantIndex != null && !wantIndex(ordinal)) continue;
                try
                {
                    CudaDevice device = ReadCudaFacts(driver, ordinal);
                    device.DriverVersion = driverVersion;
                    device.CudaDriverVersion = cudaDriverVersion;
                    device.DriverLibraryPath = driver.LibraryPath;
                    if (nvml != null && nvmlFacts != null)
                    {
                        device.NvmlLibraryPath = nvml.LibraryPath;
                        if (nvmlFacts.TryFind(device.Uuid, device.PciBusId, out IntPtr handle)) nvmlFacts.Fill(device, handle);
                        else warnings.Add($"NVML shows no GPU with UUID {device.Uuid} or PCI bus id {device.PciBusId}, so GPU {ordinal}'s "
                            + "NVML facts are empty.");
                    }

                    device.MemoryBandwidthGBps = Units.MemoryBandwidthGBps(device.MemoryClockMHz * 1000, device.MemoryBusWidth);
                    devices.Add(device);
                }
                catch (Exception e) when (IsDeviceQueryFailure(e))
                {
                    failures.Add(new DeviceFailure(ordinal, e));
                }
            }

            NvmlDeviceFacts.LinkCudaIndexes(devices);

            // A function every device needs and the driver lacks is the driver's fault, not the devices': one
            // "driver too old" error says so better than the same failure once per device.
            if (devices.Count == 0 && failures.Count > 0 && failures.TrueForAll(f => f.Error is NativeEntryPointMissingException))
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[0].Error).Throw();

            return new DeviceInventory(count, devices, failures, warnings);
        }

        // What one device's queries can throw: a driver or NVML status, or an export this driver lacks. Anything
        // else is a bug and must surface as one.
        private static bool IsDeviceQueryFailure(Exception e) =>
            e is CudaException || e is NvmlException || e is NativeEntryPointMissingException;

        private static CudaDevice ReadCudaFacts(CudaDriver driver, int ordinal)
        {
            driver.ThrowIfFailed(driver.cuDeviceGet(ordinal, out int dev));
            driver.ThrowIfFailed(driver.cuDeviceGetName(dev, out string? name));
            driver.ThrowIfFailed(driver.cuDeviceTotalMem(dev, out ulong total));
            driver.ThrowIfFailed(driver.cuDeviceGetUuid(dev, out byte[] uuid));
            int major = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) ?? 0;
            int minor = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR) ?? 0;
            string? busId = driver.cuDeviceGetPCIBusId(dev, out string? cudaBusId) == CudaResult.CUDA_SUCCESS
                ? DeviceIdentity.NormalizePciBusId(cudaBusId) : null;
            int? memoryClockKHz = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
            int? smClockKHz = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
            int? l2 = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
            return new CudaDevice
            {
                Index = ordinal,
                Name = name,
                Uuid = DeviceIdentity.FormatUuid(uuid),
                PciBusId = busId,
                ComputeCapabilityMajor = major,
                ComputeCapabilityMinor = minor,
                ComputeCapability = major + "." + minor,
                Architecture = GpuArchitecture.FromComputeCapability(major, minor),
                MultiprocessorCount = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT) ?? 0,
                TotalMemory = total,
                MemoryBusWidth = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH),
                MemoryClockMHz = memoryClockKHz / 1000,
                MaxSmClockMHz = smClockKHz / 1000,
                L2CacheSize = l2,
                IsIntegrated = Attribute(driver, dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_INTEGRATED) == 1,
                EccEnabled = driver.cuDeviceGetAttribute(dev, CudaDeviceAttribute.CU_DEVICE_ATTRIBUTE_ECC_ENABLED,
                    out int ecc) == CudaResult.CUDA_SUCCESS ? ecc != 0 : (bool?)null,
            };
        }

        // Attributes a driver does not know (deprecated or newer than it) are empty, not errors: CUDA 13
        // deprecates the clock attributes, and NVML fills them in where it can.
        private static int? Attribute(CudaDriver driver, int device, CudaDeviceAttribute attribute) =>
            driver.cuDeviceGetAttribute(device, attribute, out int value) == CudaResult.CUDA_SUCCESS && value > 0 ? value : (int?)null;
    }
}
