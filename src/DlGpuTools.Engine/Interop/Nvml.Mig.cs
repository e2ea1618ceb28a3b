using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Multi-Instance GPU (Ampere and newer, Linux, NVML from driver R445 on): a GPU in MIG mode is split into MIG devices (a
    /// GPU instance with a compute instance in it). A MIG device handle, taken from its parent GPU's handle, answers a
    /// subset of the device queries for that instance alone (UUID, memory, attributes, processes); GPU-wide readings
    /// (power, temperature, clocks, ECC, PCIe) stay with the parent. Signatures as nvml.h declares them (NVML API 13).
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>How many MIG devices the GPU can hold: zero where MIG is off or unsupported.</summary>
        public NvmlReturn nvmlDeviceGetMaxMigDeviceCount(IntPtr device, out uint count) =>
            DeviceGetUInt("nvmlDeviceGetMaxMigDeviceCount", device, out count);

        /// <summary>
        /// The MIG device at <paramref name="index"/> under its parent; NVML_ERROR_NOT_FOUND where none is made at that index.
        /// </summary>
        public NvmlReturn nvmlDeviceGetMigDeviceHandleByIndex(IntPtr device, uint index, out IntPtr migDevice)
        {
            migDevice = IntPtr.Zero;
            IntPtr handle;
            var r = _native.nvmlDeviceGetMigDeviceHandleByIndex(device, index, &handle);
            if (r == NvmlReturn.NVML_SUCCESS) migDevice = handle;
            return r;
        }

        public NvmlReturn nvmlDeviceGetDeviceHandleFromMigDeviceHandle(IntPtr migDevice, out IntPtr device)
        {
            device = IntPtr.Zero;
            IntPtr handle;
            var r = _native.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(migDevice, &handle);
            if (r == NvmlReturn.NVML_SUCCESS) device = handle;
            return r;
        }

        public NvmlReturn nvmlDeviceIsMigDeviceHandle(IntPtr device, out bool isMigDevice)
        {
            NvmlReturn r = DeviceGetUInt("nvmlDeviceIsMigDeviceHandle", device, out uint value);
            isMigDevice = r == NvmlReturn.NVML_SUCCESS && value != 0;
            return r;
        }

        /// <summary>The GPU instance id of a MIG device (unique on its GPU; what dcgm-exporter's GPU_I_ID label shows).</summary>
        public NvmlReturn nvmlDeviceGetGpuInstanceId(IntPtr migDevice, out uint id) =>
            DeviceGetUInt("nvmlDeviceGetGpuInstanceId", migDevice, out id);

        /// <summary>The compute instance id of a MIG device (unique within its GPU instance).</summary>
        public NvmlReturn nvmlDeviceGetComputeInstanceId(IntPtr migDevice, out uint id) =>
            DeviceGetUInt("nvmlDeviceGetComputeInstanceId", migDevice, out id);

        /// <summary>Slices, SMs and memory of a MIG device. NVML answers for MIG device handles only.</summary>
        public NvmlReturn nvmlDeviceGetAttributes_v2(IntPtr migDevice, out NvmlDeviceAttributes attributes)
        {
            attributes = default;
            NvmlDeviceAttributes a;
            var r = _native.nvmlDeviceGetAttributes_v2(migDevice, &a);
            attributes = a;
            return r;
        }

        /// <summary>A GPM sample of one GPU instance, taken on the parent GPU's handle (GPM per MIG instance).</summary>
        public NvmlReturn nvmlGpmMigSampleGet(IntPtr device, uint gpuInstanceId, IntPtr sample)
        {
            return _native.nvmlGpmMigSampleGet(device, gpuInstanceId, sample);
        }
    }
}
