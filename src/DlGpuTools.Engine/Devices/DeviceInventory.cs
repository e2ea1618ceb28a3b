using System;
using System.Collections.Generic;

namespace DlGpuTools.Devices
{
    /// <summary>What one enumeration found: the devices, the ones that failed (each on its own), and warnings.</summary>
    public sealed class DeviceInventory
    {
        public DeviceInventory(int driverDeviceCount, IReadOnlyList<CudaDevice> devices, IReadOnlyList<DeviceFailure> failures,
            IReadOnlyList<string> warnings)
        {
            DriverDeviceCount = driverDeviceCount;
            Devices = devices;
            Failures = failures;
            Warnings = warnings;
        }

        /// <summary>cuDeviceGetCount: how many devices this process may use (after CUDA_VISIBLE_DEVICES).</summary>
        public int DriverDeviceCount { get; }

        public IReadOnlyList<CudaDevice> Devices { get; }

        public IReadOnlyList<DeviceFailure> Failures { get; }

        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>A device whose facts could not be read; the others are still reported.</summary>
    public sealed class DeviceFailure
    {
        public DeviceFailure(int index, Exception error)
        {
            Index = index;
            Error = error;
        }

        public int Index { get; }

        public Exception Error { get; }
    }
}
