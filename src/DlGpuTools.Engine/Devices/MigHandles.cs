using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>One MIG device as NVML shows it: its handle, its parent GPU's handle, and what NVML says of it.</summary>
    internal sealed class MigHandle
    {
        public MigHandle(IntPtr handle, IntPtr parent, MigDevice facts)
        {
            Handle = handle;
            Parent = parent;
            Facts = facts;
        }

        public IntPtr Handle { get; }

        public IntPtr Parent { get; }

        /// <summary>What NVML said of it, read once; never handed out (see <see cref="ToModel"/>).</summary>
        public MigDevice Facts { get; }

        /// <summary>A fresh output object (callers fill in the CUDA indexes), so no caller changes another's.</summary>
        public MigDevice ToModel(string? parentName)
        {
            MigDevice copy = Facts.Copy();
            copy.ParentName = parentName;
            return copy;
        }
    }

    /// <summary>Reads the MIG devices of a GPU through NVML; none where MIG is off, unsupported or NVML is too old.</summary>
    internal static class MigHandles
    {
        public static IReadOnlyList<MigHandle> Read(Nvml nvml, IntPtr parent, string? parentUuid)
        {
            var result = new List<MigHandle>();
            if (nvml.nvmlDeviceGetMaxMigDeviceCount(parent, out uint max) != NvmlReturn.NVML_SUCCESS || max == 0) return result;
            ulong? board = nvml.nvmlDeviceGetMemoryInfo(parent, out NvmlMemory parentMemory) == NvmlReturn.NVML_SUCCESS
                ? parentMemory.Total : (ulong?)null;
            for (uint i = 0; i < max; i++)
            {
                // NOT_FOUND: no MIG device at this index (instances need not be numbered densely).
                if (nvml.nvmlDeviceGetMigDeviceHandleByIndex(parent, i, out IntPtr handle) != NvmlReturn.NVML_SUCCESS) continue;
                result.Add(Describe(nvml, handle, parent, parentUuid, (int)i, board));
            }

            return result;
        }

        private static MigHandle Describe(Nvml nvml, IntPtr handle, IntPtr parent, string? parentUuid, int index, ulong? boardMemory)
        {
            var mig = new MigDevice { ParentUuid = parentUuid, MigIndex = index };
            if (nvml.nvmlDeviceGetUUID(handle, out string? uuid) == NvmlReturn.NVML_SUCCESS) mig.Uuid = DeviceIdentity.NormalizeUuid(uuid);
            if (nvml.nvmlDeviceGetGpuInstanceId(handle, out uint gi) == NvmlReturn.NVML_SUCCESS) mig.GpuInstanceId = (int)gi;
            if (nvml.nvmlDeviceGetComputeInstanceId(handle, out uint ci) == NvmlReturn.NVML_SUCCESS) mig.ComputeInstanceId = (int)ci;
            if (nvml.nvmlDeviceGetMemoryInfo(handle, out NvmlMemory memory) == NvmlReturn.NVML_SUCCESS)
            {
                mig.TotalMemory = memory.Total;
                mig.UsedMemory = memory.Used;
                mig.FreeMemory = memory.Free;
            }

            if (nvml.nvmlDeviceGetAttributes_v2(handle, out NvmlDeviceAttributes attributes) == NvmlReturn.NVML_SUCCESS)
            {
                mig.GpuSlices = (int)attributes.GpuInstanceSliceCount;
                mig.ComputeSlices = (int)attributes.ComputeInstanceSliceCount;
                mig.MultiprocessorCount = (int)attributes.MultiprocessorCount;
                if (boardMemory.HasValue)
                    mig.Profile = MigProfileName.Format(mig.GpuSlices.Value, mig.ComputeSlices.Value,
                        attributes.MemorySizeMB, boardMemory.Value);
            }

            return new MigHandle(handle, parent, mig);
        }
    }
}
